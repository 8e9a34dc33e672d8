#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are down, then create DATABASE_URL's database if missing; with
# S3_ENDPOINT_URL on loopback, start a SeaweedFS there and create the S3_*_BUCKET buckets (the test
# suite needs none: tests/s3.py starts its own).
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis did not start" >&2; exit 1; }

if [ -n "${DATABASE_URL:-}" ]; then
  .venv/bin/python scripts/ensure_database.py "$DATABASE_URL"
fi
if [ -n "${S3_ENDPOINT_URL:-}" ]; then
  .venv/bin/python scripts/ensure_seaweedfs.py
fi
