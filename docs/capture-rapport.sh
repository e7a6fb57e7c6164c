#!/usr/bin/env bash
# Regenerates docs/rapport.png, the report screenshot shown in the README (needs chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rgpdcheck audit fixtures/bruges/registre.yaml --format html --output "$tmp/rapport.html" || test $? -eq 1
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/profil" \
  --window-size=1200,1100 --screenshot=docs/rapport.png "file://$tmp/rapport.html"
rm -rf "$tmp"
