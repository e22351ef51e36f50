#!/usr/bin/env bash
# Makes sure Debian's own `chromium` package is installed at /usr/bin/chromium, for the browser test
# of the HTML report. It never downloads a browser build: it only asks apt for Debian's package.
# Usage: bash scripts/ensure-chromium.sh   (needs root or sudo when chromium is missing)
set -euo pipefail
BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then
  echo "chromium: $BIN present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium: $BIN is missing and this user cannot run apt-get (not root, no sudo)" >&2
    exit 1
  fi
fi
echo "chromium: installing Debian's chromium package with apt-get"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
if [ ! -x "$BIN" ]; then
  echo "chromium: apt-get finished but $BIN is still missing" >&2
  exit 1
fi
echo "chromium: $BIN installed"
