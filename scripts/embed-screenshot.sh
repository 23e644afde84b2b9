#!/usr/bin/env bash
# Renders sample embeddable signatory pages (api/src/render/embed.rs, api/templates/embed/) and screenshots them in
# headless Chromium at 320 px (a phone, or a narrow iframe) and 1024 px wide.
#
#   scripts/embed-screenshot.sh [OUT_DIR]        (default: /tmp/embed-screenshots)
#
# Writes OUT_DIR/embed-{sv,en,empty}.html, the sample CSV files, headers.txt and
# OUT_DIR/embed-<page>-<width>.png. Fails when the page's style hash does not match its
# Content-Security-Policy (checked with openssl, independently of the unit test) or when
# Chromium reports a Content-Security-Policy violation. Installs Debian's `chromium` when
# it is missing (needs root). HEIGHT (default 900) sets the window height.
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-/tmp/embed-screenshots}
height=${HEIGHT:-900}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium" >&2
    apt-get update && apt-get install -y chromium
fi

EMBED_SAMPLE_OUT="$out" cargo test -p samverkan-api --lib \
    render::embed::tests::write_sample_embed_page -- --ignored --exact --nocapture

# The style text between <style> and </style> must hash to the policy's 'sha256-…' source.
for page in sv en empty; do
    html="$out/embed-$page.html"
    style=$(STYLE_FROM="$html" python3 -c '
import os, re, sys
text = open(os.environ["STYLE_FROM"], encoding="utf-8").read()
sys.stdout.write(re.search(r"<style>(.*?)</style>", text, re.S).group(1))
' | openssl dgst -sha256 -binary | base64)
    if ! grep -q "style-src 'sha256-$style'" "$html"; then
        echo "FAIL: the style of $html hashes to sha256-$style, not what its policy allows" >&2
        exit 1
    fi
done
echo "style hash matches the Content-Security-Policy"

status=0
for page in sv en empty; do
    for width in 320 1024; do
        png="$out/embed-$page-$width.png"
        log="$out/chromium-$page-$width.log"
        profile=$(mktemp -d)
        chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --enable-logging=stderr --v=0 \
            --window-size="$width,$height" --screenshot="$png" \
            "file://$out/embed-$page.html" >"$log" 2>&1 || {
            echo "FAIL: chromium exited with an error, see $log" >&2
            status=1
        }
        rm -rf "$profile"
        if grep -qi "content security policy" "$log"; then
            echo "FAIL: Content-Security-Policy violation in $page at $width px:" >&2
            grep -i "content security policy" "$log" >&2
            status=1
        fi
        [ -s "$png" ] && echo "wrote $png"
    done
done
exit "$status"
