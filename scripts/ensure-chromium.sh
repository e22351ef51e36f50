#!/usr/bin/env bash
# Makes sure Debian's own `chromium` package is installed (/usr/bin/chromium), for the browser tests
# of the HTML report and the live example. It never downloads a browser build.
exec bash "$(dirname "$0")/ensure-deb.sh" chromium /usr/bin/chromium
