#!/usr/bin/env bash
# Static check of docker-compose.yml, no Docker engine needed.
# `config` does not require bind-mounted files (e.g. the generated definitions.json) to exist.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "Installing docker-compose from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker-compose >/dev/null
fi

docker-compose -f docker-compose.yml config -q
echo "docker-compose config: OK"

# The agency subscriber's own compose file, with the example settings standing in for agency.env.
for profile in queue webhook; do
  JIANDU_AGENCY_ENV_FILE=agency.env.example \
    docker-compose -f deploy/agency/docker-compose.yml --profile "$profile" config -q
done
echo "deploy/agency/docker-compose.yml config: OK (queue and webhook profiles)"

if python3 -c "import yaml" >/dev/null 2>&1; then
  python3 - <<'PY'
import sys

import yaml

with open("docker-compose.yml") as f:
    services = set(yaml.safe_load(f)["services"])
expected = {"topics", "deputies", "finance", "notifications",
            "rabbitmq", "postgres", "otel-collector", "jaeger", "mailpit"}
missing = sorted(expected - services)
if missing:
    sys.exit(f"missing services: {', '.join(missing)}")
print(f"services: OK ({len(expected)} expected, all defined)")
PY
else
  echo "PyYAML not available; skipping the service list check"
fi
