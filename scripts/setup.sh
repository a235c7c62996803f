#!/usr/bin/env bash
# Installs everything partita needs on a fresh machine: Debian packages (ffmpeg encodes OGG/MP3
# and decodes them in tests; fluidsynth + fluid-soundfont-gm are the native synth the benchmark
# compares against; chromium runs the browser tests; redis-server and postgresql back the
# scale-out tests; musescore3 and libxml2-utils read the scores back), then npm packages
# (which also builds dist/).
# Safe to run again: it installs only what is missing or changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(ffmpeg fluidsynth fluid-soundfont-gm chromium fonts-dejavu-core redis-server postgresql musescore3 libxml2-utils)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_if_needed=()
  [ "$(id -u)" -ne 0 ] && sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.partita-setup
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ] || [ ! -d dist ]; then
  npm ci --no-fund --no-audit
  echo "$lock_hash" > "$stamp"
else
  npm run --silent build
fi
