# Jiandu: the two commands that matter are `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SERVICES := topics deputies finance notifications console
UV = $(shell bash deploy/local/ensure-uv.sh)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

env:  ## Create the virtual environment from the lock file (installs uv when missing)
	$(UV) sync --frozen

system-deps:  ## Install RabbitMQ, PostgreSQL 15, Chromium and a CJK font (browser tests) from Debian's packages when absent
	bash deploy/local/rabbitmq.sh install
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql-15 chromium fonts-wqy-microhei >/dev/null; \
	fi

up: env  ## Run RabbitMQ, the four services (SQLite) and the console; Ctrl-C stops everything
	JIANDU_NOTIFICATIONS_PROVISION_DIR=$${JIANDU_NOTIFICATIONS_PROVISION_DIR:-deploy/notifications} \
	  $(UV) run jiandu-up

test: env system-deps  ## Run every test (unit, service, integration on real RabbitMQ/PostgreSQL, e2e, browser)
	$(UV) run pytest -m "not browser"
	# Playwright's sync driver keeps its own event loop: the browser tests get their own process.
	$(UV) run pytest -m browser

lint: env  ## ruff and mypy
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy shared/src services/*/src deploy/agency/src tests

docs: env  ## Regenerate the AsyncAPI documents and the RabbitMQ definitions
	env -u JIANDU_RABBIT_URL $(UV) run jiandu-asyncapi
	env -u JIANDU_DELIVERY_LIMIT $(UV) run python -m jiandu_shared.messaging.definitions > deploy/rabbitmq/definitions.json

check-docs: docs  ## Fail when committed AsyncAPI documents or definitions drift from the code
	@git diff --exit-code -- services/*/asyncapi.json deploy/rabbitmq/definitions.json \
	  || { echo "AsyncAPI/definitions drifted from the code: run 'make docs' and commit"; exit 1; }

compose-check:  ## Validate docker-compose.yml statically
	bash deploy/validate-compose.sh

token:  ## Print a bearer token: make token ROLE=committee_staff [SUBJECT=alice] [ORG=<organ uuid>]
	@$(UV) run jiandu-token --role $(or $(ROLE),committee_staff) --subject $(or $(SUBJECT),dev) \
	  $(if $(ORG),--organisation $(ORG))

benchmark: env system-deps  ## Measure the relay, the consumer, the whole path from HTTP to stored notification, and 1M execution rows
	$(UV) run python -m tests.benchmarks.pipeline
	$(UV) run python -m tests.benchmarks.end_to_end
	$(UV) run python -m tests.benchmarks.finance_execution --rows 1000000

chaos: env system-deps  ## Fault suite, full scale: node loss, consumer and relay crashes, DB restart
	JIANDU_CHAOS_SCALE=$${JIANDU_CHAOS_SCALE:-full} $(UV) run pytest -m chaos -v -s -rx

clean:  ## Remove local data (SQLite files)
	rm -rf data

.PHONY: help env system-deps up test lint docs check-docs compose-check token benchmark chaos clean
