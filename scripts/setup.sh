#!/usr/bin/env bash
# Installs everything partita needs on a fresh machine: npm packages (which also builds dist/).
# Safe to run again: it reinstalls only when package-lock.json changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.partita-setup
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ] || [ ! -d dist ]; then
  npm ci --no-fund --no-audit
  echo "$lock_hash" > "$stamp"
else
  npm run --silent build
fi
