#!/usr/bin/env bash
# Lighthouse 12.2.3 (pinned in package.json; 13 needs Node 22) on Tekser's landing page, the
# student dashboard and a module page, default mobile profile. Starts the app on a free loopback
# port with the demo data in a throw-away SQLite database, logs the demo student in with curl and
# hands Lighthouse the session cookie. Prints the four category scores per page (target: >= 95).
# Usage: bash bench/lighthouse/run.sh        (needs .venv from `make install`, npm, chromium)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY="$ROOT/.venv/bin/python"
[ -x "$HERE/node_modules/.bin/lighthouse" ] || npm ci --prefix "$HERE" --no-audit --no-fund
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

TMP="$(mktemp -d)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export FLASK_APP="app:create_app" TEKSER_ENV=production SESSION_COOKIE_SECURE=false \
  SECRET_KEY="lighthouse-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  DATABASE_URL="sqlite:///$TMP/lighthouse.sqlite" UPLOAD_DIR="$TMP/uploads" \
  TEKSER_INSTANCE_DIR="$TMP" BASE_URL="$BASE" RATELIMIT_ENABLED=false \
  MAIL_BACKEND=smtp MAIL_SERVER=127.0.0.1 MAIL_PORT=9
cd "$ROOT"
# Production refuses to start without an issuer key: a throwaway one, made by a development app.
export CERT_SIGNING_KEY_FILE="$TMP/issuer-key.pem"
TEKSER_ENV=development "$PY" -m flask certificates keygen --pem "$CERT_SIGNING_KEY_FILE" >/dev/null
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
"$PY" -m flask db upgrade >/dev/null 2>&1
"$PY" -m flask demo load >/dev/null
"$PY" -m gunicorn -w 2 -k gthread --threads 4 -b "127.0.0.1:$PORT" "app:create_app()" \
  >"$TMP/gunicorn.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done

# Log the demo student in as a browser would: the form's CSRF token, then the POST.
JAR="$TMP/cookies.txt"
TOKEN="$(curl -fs -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)"
curl -fs -b "$JAR" -c "$JAR" -o /dev/null -H "Referer: $BASE/login" \
  --data-urlencode "csrf_token=$TOKEN" --data-urlencode "email=student@demo.tekser.kz" \
  --data-urlencode "password=tekser-demo-2026" "$BASE/login"
SESSION="$(awk '$6 == "tekser_session" {print $7}' "$JAR")"
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
COOKIE="{\"Cookie\": \"tekser_session=$SESSION\"}"
MODULE="$(curl -fs -b "$JAR" "$BASE/dashboard" | grep -o 'href="/courses/[^"]*/modules/[^"/]*"' | head -1 | cut -d'"' -f2)"

audit() {  # name url [extra-headers]
  local out="$TMP/$1.json"
  "$HERE/node_modules/.bin/lighthouse" "$2" --quiet --output=json --output-path="$out" \
    --chrome-flags="$FLAGS" ${3:+--extra-headers="$3"} >/dev/null 2>&1
  node -e '
    const r = require(process.argv[1]); const c = r.categories;
    const s = (k) => String(Math.round(c[k].score * 100)).padStart(3);
    console.log(`${process.argv[2].padEnd(10)} performance ${s("performance")}  accessibility ${s("accessibility")}  best-practices ${s("best-practices")}  seo ${s("seo")}   ${r.finalDisplayedUrl}`);
  ' "$out" "$1"
}
echo "Lighthouse $("$HERE/node_modules/.bin/lighthouse" --version), mobile profile"
audit landing "$BASE/"
audit dashboard "$BASE/dashboard" "$COOKIE"
audit module "$BASE$MODULE" "$COOKIE"
