from jiandu_shared.storage.migrations import run_env

from jiandu_notifications.adapters.orm import metadata

run_env(metadata)
