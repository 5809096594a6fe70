#!/usr/bin/env bash
# The local run against n8n 2.8.4, side by side in one run (issue #25, item 6): autocannon, 32 connections,
# 15 s, a unique body per request, against
#   n8n:        a webhook workflow that answers on receipt (webhook-workflow.json), its defaults (SQLite);
#   ./run.sh:   the signup hook, processing on (every event makes its Softr user in the sandbox).
# n8n runs first and is stopped before ./run.sh starts: the two never share the machine.
#
#   benchmarks/n8n/compare.sh            # both; prints each side's req/s and p99, and the ratio
#   benchmarks/n8n/compare.sh ours       # only ./run.sh
#   DURATION=30 CONNECTIONS=64 benchmarks/n8n/compare.sh
#
# Needs Node.js and the .NET SDK. The first run installs n8n 2.8.4 and autocannon 9 here (about 5 minutes, 1 GB):
# package.json pins them, and overrides n8n's xlsx (which n8n fetches from cdn.sheetjs.com, outside the npm
# registry) with the registry's last xlsx, which the webhook path never loads. sqlite3 is built from its bundled
# source when its prebuilt binary cannot be downloaded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${DURATION:-15}"
connections="${CONNECTIONS:-32}"
which="${1:-both}"
cd "$here"

install() {
  if [ ! -x node_modules/.bin/autocannon ] || [ ! -x node_modules/.bin/n8n ]; then
    echo "Installing n8n 2.8.4 and autocannon 9 (once)..."
    npm install --no-audit --no-fund --loglevel=error
  fi
  if ! node -e "require('$here/node_modules/sqlite3')" 2>/dev/null; then
    echo "Building sqlite3 from its bundled source (once)..."
    (cd node_modules/sqlite3 && npx --yes node-gyp rebuild --nodedir=/usr > /dev/null 2>&1) \
      || (cd node_modules/sqlite3 && npx --yes node-gyp rebuild > /dev/null)
  fi
}

# What is running now (n8n, or ./run.sh), stopped whatever happens: set -e ends the script at the first failure.
# TERM, not INT: a background job starts with SIGINT ignored, and run.sh traps TERM.
running=""
stop_running() {
  if [ -n "$running" ]; then
    kill -TERM "$running" 2>/dev/null || true
    wait "$running" 2>/dev/null || true
    running=""
  fi
}
trap stop_running EXIT

wait_for() { # url, seconds
  for _ in $(seq 1 "$2"); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 1
  done
  echo "Nothing answered at $1 after $2 s." >&2
  return 1
}

# Prints "req/s p99-ms errors non-2xx" for one autocannon run.
load() { # url, extra autocannon args...
  local url="$1"; shift
  node_modules/.bin/autocannon -j -c "$connections" -d "$duration" -m POST -H 'Content-Type: application/json' "$@" \
    -b '{"email":"load-[<id>]@example.com","full_name":"Load [<id>]"}' --idReplacement "$url" 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`${r.requests.average} ${r.latency.p99} ${r.errors} ${r.non2xx}`)})'
}

n8n_side() {
  export N8N_USER_FOLDER="$here/.n8n-home"
  rm -rf "$N8N_USER_FOLDER"; mkdir -p "$N8N_USER_FOLDER"
  export N8N_PORT=5678 N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_PERSONALIZATION_ENABLED=false \
    N8N_HIRING_BANNER_ENABLED=false N8N_LOG_LEVEL=warn N8N_SECURE_COOKIE=false \
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
  node_modules/.bin/n8n import:workflow --input=webhook-workflow.json > /dev/null
  node_modules/.bin/n8n publish:workflow --id=benchSignup00001 > /dev/null
  node_modules/.bin/n8n start > "$here/.n8n.log" 2>&1 &
  running=$!
  wait_for http://localhost:5678/healthz 120
  sleep 2
  # One request first: the webhook is registered once n8n is up.
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' http://localhost:5678/webhook/signup || true
  read -r n8n_rps n8n_p99 n8n_errors n8n_non2xx < <(load http://localhost:5678/webhook/signup)
  stop_running
  echo "n8n 2.8.4 (answers on receipt): ${n8n_rps} req/s, p99 ${n8n_p99} ms, ${n8n_errors} errors, ${n8n_non2xx} non-2xx"
}

ours_side() {
  # exec: the pid is run.sh's own.
  (cd "$root" && exec ./run.sh > "$here/.run.log" 2>&1) &
  running=$!
  wait_for http://localhost:7071/api/health 300
  sleep 3
  read -r ours_rps ours_p99 ours_errors ours_non2xx < <(load http://localhost:7071/api/hooks/signup -H 'X-Webhook-Secret: local-dev-secret-change-me')
  # What processing made of it, a few seconds on (it goes on draining after the load stops).
  sleep 5
  local users
  users=$(curl -s http://localhost:5080/sandbox/users | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
  stop_running
  echo "./run.sh (signup hook, processing on): ${ours_rps} req/s, p99 ${ours_p99} ms, ${ours_errors} errors, ${ours_non2xx} non-2xx; ${users} Softr users made 5 s after the load"
}

install
case "$which" in
  ours) ours_side ;;
  n8n) n8n_side ;;
  *)
    n8n_side
    ours_side
    node -e "console.log('ratio: ' + ($ours_rps / $n8n_rps).toFixed(1) + 'x the requests per second, p99 ' + ($ours_p99) + ' ms against ' + ($n8n_p99) + ' ms')"
    ;;
esac
