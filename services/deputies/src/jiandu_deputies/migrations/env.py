from jiandu_deputies.adapters.metadata import metadata
from jiandu_shared.storage.migrations import run_env

run_env(metadata)
