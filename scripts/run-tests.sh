#!/usr/bin/env bash
# Run pytest; "no tests collected" (exit code 5) is a failure, never a green run.
set -uo pipefail
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing the run." >&2
  exit 1
fi
exit "$status"
