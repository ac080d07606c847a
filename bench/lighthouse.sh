#!/usr/bin/env bash
# Lighthouse (performance and accessibility, mobile defaults: simulated slow
# 4G and a 4x slower processor) on the example site's home page, a network
# page and an event page, each with a picture. The site is built in release
# mode and served by a plain static server (python3 -m http.server: no
# compression, as a simple host), and Lighthouse runs Debian's Chromium.
#
#   bench/lighthouse.sh                 # prints one line per page
#   KEEP=1 bench/lighthouse.sh          # keeps the JSON reports (path printed)
#
# Lighthouse comes from the npm registry into $LH_DIR (default
# /tmp/tandem-lighthouse); Chromium from Debian (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
LH_DIR=${LH_DIR:-${TMPDIR:-/tmp}/tandem-lighthouse}
LH_VERSION=${LH_VERSION:-12}
PAGES=${PAGES:-"/ /networks/bildungsraum-ruhrgebiet/ /events/netzwerktreffen-2027/"}
CHROME=${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$CHROME" ]; then
  echo "no Chromium found: apt-get install chromium (or set CHROME_PATH)" >&2
  exit 2
fi
if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$LH_DIR" --no-audit --no-fund --loglevel=error "lighthouse@$LH_VERSION" >&2
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
WORK=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
target/release/tandem build --output "$WORK/site" >/dev/null 2>&1
PORT=${PORT:-8765}
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break
  sleep 0.1
done
printf '%-45s %12s %14s %8s %8s\n' page performance accessibility LCP_ms CLS
for page in $PAGES; do
  report="$WORK/lh-$(echo "$page" | tr '/' '_').json"
  "$LH_DIR/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$page" \
    --chrome-path="$CHROME" --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility \
    --output=json --output-path="$report" --quiet
  python3 - "$report" "$page" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print("%-45s %12d %14d %8.0f %8.3f" % (
    sys.argv[2],
    round(c["performance"]["score"] * 100),
    round(c["accessibility"]["score"] * 100),
    a["largest-contentful-paint"]["numericValue"],
    a["cumulative-layout-shift"]["numericValue"],
))
PY
done
[ -z "${KEEP:-}" ] || echo "reports in $WORK (server pid $SERVER)"
