#!/usr/bin/env bash
# `make run`: migrate, sync the staff roles, load starter content, make the credentials' issuer key if
# there is none (and sample data on the embedded database),
# start the background worker, and serve the portal until Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=${PYTHON:-.venv/bin/python}

# Emails and calendar feeds link to the address served here, unless SITE_URL is given (in the
# environment or .env). A server listening on every interface is reached on the loopback.
if [ -z "${SITE_URL:-}" ] && ! grep -qs '^ *SITE_URL=' .env; then
  case $host in
    0.0.0.0) link_host=127.0.0.1 ;;
    *) link_host=$host ;;
  esac
  export SITE_URL="http://$link_host:$port"
fi

$py manage.py migrate --no-input
$py manage.py sync_roles
$py manage.py load_starter_content
# The issuer key that signs the Open Badges credentials (var/issuer-keys.json), made once.
$py manage.py issuer_keys create --if-missing
if [ -z "${DATABASE_URL:-}" ]; then
  $py manage.py load_sample_data
fi

# A worker stopped mid-claim last time leaves a task RUNNING; nothing else runs yet, so requeue it.
$py manage.py requeue_stalled_tasks --minutes 0
$py manage.py db_worker --no-reload &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo "Serving the NMT Portal on http://$host:$port/ (worker pid $worker; links in emails: ${SITE_URL:-from .env}). Ctrl-C stops both."
$py manage.py runserver "$host:$port"
