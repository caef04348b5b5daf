#!/usr/bin/env bash
# Static checks of every compose deployment, no Docker engine needed:
#   - docker-compose.yml with each of its profiles (beside "core", what the services default to);
#   - each deployment env file in deploy/agencies/ (it selects compose files and profiles);
#   - the agency subscriber's compose file, in its queue and webhook profiles.
# `config` validates syntax and variables (and does not need bind-mounted files such as the
# generated definitions.json to exist); deploy/compose_check.py then reads the resolved
# configuration and fails when a service a variant starts depends on, or points its broker,
# database, collector or mail URL at, a service that variant leaves out.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "Installing docker-compose from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker-compose >/dev/null
fi

# A Python with PyYAML: the one on PATH, or Debian's, which docker-compose itself runs on.
PYTHON=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c "import yaml" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
done
[ -n "$PYTHON" ] || echo "PyYAML not available; only docker-compose config runs"

resolved="$(mktemp)"
trap 'rm -f "$resolved"' EXIT

# compose <docker-compose arguments...>: in a clean environment (plus CHECK_ENV), so the
# caller's COMPOSE_* or JIANDU_* variables cannot change what is checked.
CHECK_ENV=()
compose() {
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" "${CHECK_ENV[@]}" docker-compose "$@"
}

# check <label> <profiles, comma-separated> <docker-compose arguments...>
check() {
  local label=$1 profiles=$2
  shift 2
  compose "$@" config >"$resolved"
  if [ -n "$PYTHON" ] && ! "$PYTHON" deploy/compose_check.py "$resolved" "$profiles"; then
    echo "$label: FAILED (profiles $profiles)" >&2
    exit 1
  fi
  echo "$label: OK (profiles $profiles)"
}

compose -f docker-compose.yml config -q
for profile in $(compose -f docker-compose.yml config --profiles); do
  if [ "$profile" = core ]; then profiles=core; else profiles="core,$profile"; fi
  args=(-f docker-compose.yml)
  for p in ${profiles//,/ }; do args+=(--profile "$p"); done
  check "docker-compose.yml" "$profiles" "${args[@]}"
done

# Deployment env files name the compose files (COMPOSE_FILE, relative to the repository
# root) and the profiles (COMPOSE_PROFILES). JIANDU_ENV_FILE, the operator's copy the services
# read, is the example itself here.
for env_file in deploy/agencies/*.env.example; do
  profiles="$(sed -n 's/^COMPOSE_PROFILES=//p' "$env_file")"
  [ -n "$profiles" ] || { echo "$env_file: no COMPOSE_PROFILES" >&2; exit 1; }
  CHECK_ENV=(JIANDU_ENV_FILE="$env_file")
  check "$env_file" "$profiles" --env-file "$env_file"
  CHECK_ENV=()
done

# The agency subscriber's own compose file, with the example settings standing in for agency.env.
for profile in queue webhook; do
  JIANDU_AGENCY_ENV_FILE=agency.env.example \
    docker-compose -f deploy/agency/docker-compose.yml --profile "$profile" config -q
done
echo "deploy/agency/docker-compose.yml config: OK (queue and webhook profiles)"

if [ -n "$PYTHON" ]; then
  "$PYTHON" - <<'PY'
import sys

import yaml

with open("docker-compose.yml") as f:
    services = set(yaml.safe_load(f)["services"])
expected = {"topics", "deputies", "finance", "notifications", "console",
            "rabbitmq", "postgres", "otel-collector", "jaeger", "mailpit"}
missing = sorted(expected - services)
if missing:
    sys.exit(f"missing services: {', '.join(missing)}")
print(f"services: OK ({len(expected)} expected, all defined)")
PY
fi
