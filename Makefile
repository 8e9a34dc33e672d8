# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite's PostgreSQL and Redis; CI (.ci/run) sets its own.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nmt_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
PYTEST_WORKERS ?= 2

.PHONY: help install run worker test test-fast lint check superuser collectstatic vendor clean

help:
	@echo "make run        set up and serve the portal on http://$(HOST):$(PORT)/ (SQLite unless DATABASE_URL is set;"
	@echo "               links in emails follow HOST and PORT unless SITE_URL is set)"
	@echo "make test       set up and run the whole test suite on PostgreSQL"
	@echo "make superuser  create a staff account with every permission"
	@echo "make lint       ruff and the migrations check"

$(VENV)/.installed: requirements.txt
	@scripts/make-venv.sh $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(VENV)/.installed

run: install
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} scripts/dev-server.sh $(HOST) $(PORT)

worker: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py db_worker

superuser: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py sync_roles
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py createsuperuser

test: install
	@export DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)}; \
	scripts/ensure-services.sh && \
	scripts/run-tests.sh -n $(PYTEST_WORKERS) $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

collectstatic: install
	$(PY) manage.py collectstatic --no-input

clean:
	rm -rf $(VENV) staticfiles var/test
