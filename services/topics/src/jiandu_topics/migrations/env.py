from jiandu_shared.storage.migrations import run_env
from jiandu_topics.adapters.orm import metadata

run_env(metadata)
