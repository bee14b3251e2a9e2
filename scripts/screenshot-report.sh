#!/usr/bin/env bash
# Screenshot of the NIH demo report for the README (docs/report.png), taken by rendering
# report.html in headless Chromium (Debian: apt-get install chromium).
#
#   scripts/screenshot-report.sh [REPORT.html] [OUT.png]
#
# REPORT.html defaults to splitguard-demo/report.html, written by `make demo` if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

report="${1:-splitguard-demo/report.html}"
out="${2:-docs/report.png}"
[[ -f "$report" ]] || make demo

# A throw-away profile, and no background traffic: the page itself needs no network.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" --screenshot="$out" --window-size=1200,2400 \
  "file://$(realpath "$report")"
ls -l "$out"
