#!/usr/bin/env bash
# Run pytest; "no tests collected" (exit code 5) is a failure, never a green run.
#
# The suite keeps its test databases between runs (--reuse-db in pyproject.toml), which is only right
# while the migrations are those the databases were built with. A fingerprint of every migration file
# is kept per DATABASE_URL in var/test/; when it differs (a migration added, edited or removed, as when
# switching branches), this run rebuilds the test databases with --create-db.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/test
fingerprint=$(find apps -path '*/migrations/*.py' -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
stamp="var/test/migrations-$(printf '%s' "${DATABASE_URL:-}" | sha256sum | cut -c1-16).sha256"
extra=()
if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
  echo "Migrations changed since the test databases were built: rebuilding them (--create-db)."
  extra=(--create-db)
fi
.venv/bin/python -m pytest "${extra[@]}" "$@"
status=$?
# 0: passed, 1: some failed; either way the databases were built from these migrations.
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
  printf '%s\n' "$fingerprint" > "$stamp"
fi
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing the run." >&2
  exit 1
fi
exit "$status"
