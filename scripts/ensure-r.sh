#!/usr/bin/env bash
# Makes sure R's Rscript is installed, from Debian's own `r-base-core` package, for the test that
# runs the researchers guide's R snippet on `rapportkit score --out scores.csv`.
exec bash "$(dirname "$0")/ensure-deb.sh" r-base-core Rscript
