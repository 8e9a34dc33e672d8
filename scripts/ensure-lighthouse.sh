#!/usr/bin/env bash
# Install Lighthouse, pinned by tools/lighthouse/package-lock.json, into var/lighthouse/ (not in
# git) with `npm ci`; does nothing when that exact lock is already installed. Prints nothing then.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source_dir="$root/tools/lighthouse"
target="$root/var/lighthouse"

# The lock is copied to installed.lock only once `npm ci` has succeeded.
if [ -x "$target/node_modules/.bin/lighthouse" ] && cmp -s "$source_dir/package-lock.json" "$target/installed.lock"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is needed to install Lighthouse (Node 20: apt-get install -y nodejs npm)" >&2; exit 1; }
echo "Installing Lighthouse into $target"
mkdir -p "$target"
cp "$source_dir/package.json" "$source_dir/package-lock.json" "$target/"
(cd "$target" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cp "$source_dir/package-lock.json" "$target/installed.lock"
"$target/node_modules/.bin/lighthouse" --version
