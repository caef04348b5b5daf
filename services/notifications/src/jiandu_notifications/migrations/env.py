from jiandu_notifications.adapters.orm import metadata
from jiandu_shared.storage.migrations import run_env

run_env(metadata)
