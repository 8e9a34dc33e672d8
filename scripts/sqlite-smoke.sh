#!/usr/bin/env bash
# CI's SQLite smoke job: the embedded database of `make run`, fresh. A copy of this tree in a
# temporary folder migrates its own var/db.sqlite3 (DATABASE_URL unset: the embedded default, never
# this tree's var/), syncs the roles, loads the starter and sample content, then requests every
# public page and search (scripts/sqlite_smoke.py). Any error or non-200 answer fails the job.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t nmt-sqlite-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Tracked and new files as they are now; ignored ones (var/, .env, media) stay behind.
(cd "$root" && git ls-files -z --cached --others --exclude-standard -- . ':!:.venv' \
  | tar --null --ignore-failed-read -c -T - 2>/dev/null) | tar -x -C "$work"
ln -s "$root/.venv" "$work/.venv"
cd "$work"

# The embedded defaults of `make run`: SQLite in var/, local-memory cache, uploads in var/, console email.
unset DATABASE_URL REDIS_URL MEDIA_ROOT PRIVATE_MEDIA_ROOT EMAIL_URL
export DJANGO_DEBUG=true
py=.venv/bin/python

echo "SQLite smoke in $work"
$py manage.py migrate --no-input -v 0
test -f var/db.sqlite3 || { echo "migrate made no var/db.sqlite3 in $work" >&2; exit 1; }
$py manage.py sync_roles
$py manage.py load_starter_content
$py manage.py load_sample_data
$py manage.py issuer_keys create --if-missing
$py scripts/sqlite_smoke.py
