#!/usr/bin/env bash
# Local RabbitMQ from Debian's packages: install when absent, start, stop, status.
#   deploy/local/rabbitmq.sh ensure   install if missing, start if not running (exit 0 when up)
#   deploy/local/rabbitmq.sh stop     stop the node
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

running() { $SUDO rabbitmqctl -q status >/dev/null 2>&1; }

install() {
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    echo "Installing rabbitmq-server from Debian's packages..."
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
  fi
}

start() {
  if running; then return 0; fi
  echo "Starting RabbitMQ..."
  # Debian's package may start it through its init script; without systemd, start it ourselves.
  $SUDO /usr/sbin/rabbitmq-server -detached || true
  # await_startup fails while the node has not registered yet: poll until it answers.
  for _ in $(seq 1 120); do
    if $SUDO rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "RabbitMQ did not start; see /var/log/rabbitmq/" >&2
  return 1
}

case "${1:-ensure}" in
  ensure) install; start ;;
  install) install ;;
  start) start ;;
  stop) if running; then $SUDO rabbitmqctl -q stop; fi ;;
  status) running && echo running || { echo stopped; exit 1; } ;;
  *) echo "usage: $0 ensure|install|start|stop|status" >&2; exit 2 ;;
esac
