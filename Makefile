# restflow's developer commands. Run `make help` for the list.
#
# Every target creates .venv (Python 3.13) when it is missing and installs
# the package with its dev extra only when pyproject.toml changed since the
# last install. Nothing here needs a network beyond the configured package
# indexes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# Rebuilt by pip whenever pyproject.toml is newer than it.
STAMP := $(VENV)/.restflow-installed
# The same for the peer libraries that only the benchmarks compare against.
BENCH_STAMP := $(VENV)/.restflow-bench-installed

# The interpreter that creates .venv: pyenv's 3.13 when present, else python3.
PYENV_ROOT ?= $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
BOOTSTRAP_PYTHON ?= $(or $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13))),$(shell command -v python3))
# The interpreter of the second test pair (Python 3.10 with Django 5.2), run by nox.
PYTHON310 ?= $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.10*/bin/python3.10)))
export RESTFLOW_PYTHON310 := $(PYTHON310)
# mkdocs-material prints a notice about MkDocs 2 on every build otherwise.
export NO_MKDOCS_2_WARNING := 1

REPORTS := build/test-reports
# pytest-xdist workers of each suite run (0 runs the tests in one process).
# Many tests wait on servers, workers and timeouts rather than on the CPU,
# so two workers overlap that waiting. --dist loadfile keeps a module's
# tests, and its module-scoped servers, in one worker.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)
DEMO_HOST := 127.0.0.1
DEMO_PORT ?= 8000
DEMO_USER := demo
DEMO_PASSWORD := demo-pass-123
MANAGE := $(PY) example_project/manage.py

.PHONY: help install demo test test-faults lint docs docs-serve bench services clean

help:
	@echo "make demo     serve the example catalog API on http://$(DEMO_HOST):$(DEMO_PORT)/"
	@echo "make test     ruff, mypy, the suite on Python 3.13 (PostgreSQL + Redis when they"
	@echo "              respond), the suite on Python 3.10 + Django 5.2 (nox), mkdocs --strict"
	@echo "make test-faults  the resilience tests alone (tests/faults; needs PostgreSQL)"
	@echo "make lint     ruff check and mypy restflow"
	@echo "make docs     build the documentation site into site/ (strict)"
	@echo "make bench    run bench/bench_*.py and rebuild bench/RESULTS.md"
	@echo "make services start PostgreSQL and Redis on 127.0.0.1 when they do not respond"

$(PY):
	@echo "creating $(VENV) with $(BOOTSTRAP_PYTHON)"
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[dev]"
	@touch $(STAMP)

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install -e ".[dev,bench]"
	@touch $(BENCH_STAMP)

install: $(STAMP)

services:
	bash conf/services.sh start

demo: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_catalog
	$(MANAGE) create_demo_user --username $(DEMO_USER) --password $(DEMO_PASSWORD)
	$(MANAGE) create_demo_user --username $(DEMO_USER)-admin --password $(DEMO_PASSWORD) --staff
	@echo
	@echo "Serving the example catalog on http://$(DEMO_HOST):$(DEMO_PORT)/ (Ctrl-C stops it)."
	@echo "Demo users: $(DEMO_USER) / $(DEMO_PASSWORD), and $(DEMO_USER)-admin (staff) with the same password"
	@echo "Try (README.md lists more):"
	@echo "  curl -s 'http://$(DEMO_HOST):$(DEMO_PORT)/api/products/?page=2'"
	@echo "  curl -s 'http://$(DEMO_HOST):$(DEMO_PORT)/api/products/?price__gte=10&price__lt=20&order_by=-price,name'"
	@echo "  curl -si http://$(DEMO_HOST):$(DEMO_PORT)/api/products/1/   (X-Cache-Status: MISS, then HIT)"
	@echo "  curl -s http://$(DEMO_HOST):$(DEMO_PORT)/api/nowhere/"
	@echo "  curl -s -X POST -H 'Content-Type: application/json' -d '{\"username\": \"$(DEMO_USER)\", \"password\": \"$(DEMO_PASSWORD)\"}' http://$(DEMO_HOST):$(DEMO_PORT)/api/auth/token/"
	@echo "  curl -N http://$(DEMO_HOST):$(DEMO_PORT)/api/products/export.ndjson | head -3"
	@echo "  Swagger UI: http://$(DEMO_HOST):$(DEMO_PORT)/api/docs/  Redoc: http://$(DEMO_HOST):$(DEMO_PORT)/api/redoc/"
	@echo
	$(BIN)/uvicorn example.asgi:application --app-dir example_project \
		--host $(DEMO_HOST) --port $(DEMO_PORT) --lifespan off

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy restflow

docs: $(STAMP)
	$(BIN)/mkdocs build --strict

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr $(DEMO_HOST):8001

# The suite runs twice: on .venv (Python 3.13, newest Django) against
# PostgreSQL and Redis when they respond, then on Python 3.10 with Django 5.2
# on SQLite and Redis through nox. The last line sums both JUnit reports.
test: $(STAMP)
	@rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	$(BIN)/ruff check .
	$(BIN)/mypy restflow
	eval "$$(bash conf/services.sh env)"; \
		echo "DATABASE_URL=$${DATABASE_URL:-<SQLite in memory>} REDIS_URL=$${REDIS_URL:-<unset>}"; \
		$(BIN)/pytest $(PYTEST_PARALLEL) --junitxml=$(REPORTS)/py313-django-newest.xml
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 not found under $(PYENV_ROOT)/versions: set PYTHON310=/path/to/python3.10" >&2; \
		exit 1; \
	fi
	eval "$$(bash conf/services.sh env)"; \
		$(BIN)/nox --error-on-missing-interpreters -s "tests(py3.10-django5.2)" -- $(PYTEST_PARALLEL)
	$(BIN)/mkdocs build --strict --quiet
	$(MAKE) test-faults
	$(PY) .ci/summarize_junit.py $(REPORTS)/*.xml

# Resilience tests (marker `faults`, left out of the runs above): they start
# their own redis-servers, a proxy in front of PostgreSQL, uvicorn and RQ
# worker processes, and stop or restart them under load. They need PostgreSQL.
test-faults: $(STAMP)
	@mkdir -p $(REPORTS)
	eval "$$(bash conf/services.sh env)"; \
		$(BIN)/pytest -m faults tests/faults --junitxml=$(REPORTS)/faults.xml

# The load figures need wrk and the instruction counts valgrind; as root on
# Debian they are installed when missing, elsewhere the run says what it skips.
bench: $(STAMP) $(BENCH_STAMP)
	@if ! command -v wrk >/dev/null || ! command -v valgrind >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y wrk valgrind || { apt-get update && apt-get install -y wrk valgrind; }; \
		else \
			echo "make bench: wrk or valgrind is missing (Debian packages wrk, valgrind)" >&2; \
		fi; \
	fi
	eval "$$(bash conf/services.sh env)"; $(PY) -m bench

clean:
	rm -rf build site .mypy_cache .ruff_cache .hypothesis
