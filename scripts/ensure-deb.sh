#!/usr/bin/env bash
# Makes sure a program from one of Debian's own packages is installed, for tests that need it
# (Chromium for the browser tests, R for the researchers guide's snippet). It only asks apt for
# Debian's package; it never downloads anything else.
# Usage: bash scripts/ensure-deb.sh PACKAGE PROGRAM   (needs root or sudo when PROGRAM is missing)
set -euo pipefail
PKG="$1"
BIN="$2"
if command -v "$BIN" >/dev/null 2>&1; then
  echo "$PKG: $(command -v "$BIN") present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "$PKG: $BIN is missing and this user cannot run apt-get (not root, no sudo)" >&2
    exit 1
  fi
fi
echo "$PKG: installing Debian's $PKG package with apt-get"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$PKG"
if ! command -v "$BIN" >/dev/null 2>&1; then
  echo "$PKG: apt-get finished but $BIN is still missing" >&2
  exit 1
fi
echo "$PKG: $(command -v "$BIN") installed"
