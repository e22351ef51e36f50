#!/usr/bin/env bash
# Makes sure R's Rscript is installed, from Debian's own `r-base-core` package, for the test that
# runs the researchers guide's R snippet on `rapportkit score --out scores.csv`. Only apt is asked.
# Usage: bash scripts/ensure-r.sh   (needs root or sudo when Rscript is missing)
set -euo pipefail
if command -v Rscript >/dev/null 2>&1; then
  echo "r: $(command -v Rscript) present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "r: Rscript is missing and this user cannot run apt-get (not root, no sudo)" >&2
    exit 1
  fi
fi
echo "r: installing Debian's r-base-core package with apt-get"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends r-base-core
command -v Rscript >/dev/null 2>&1 || { echo "r: apt-get finished but Rscript is still missing" >&2; exit 1; }
echo "r: $(command -v Rscript) installed"
