#!/usr/bin/env bash
# Runs Softr.Functions locally on its embedded defaults:
#   Azurite (storage emulator)  127.0.0.1:10000-10002, a process per service, in memory (--keep-data: kept in .azurite/)
#   Softr sandbox               http://localhost:5080
#   the function app            http://localhost:7071/api/...
# Needs only the .NET 10 SDK and Node.js. Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

# Azurite keeps its data in memory unless asked to keep it: persisted, it re-saves its whole store every
# few seconds, which took most of a core as events piled up and held the local run to under half of
# what it serves in memory (docs/benchmarks.md, "The local run under load").
storage=(--inMemoryPersistence)
storage_note="in memory; ./run.sh --keep-data keeps it in .azurite/"
if [ "${1:-}" = "--keep-data" ]; then
  storage=(--location .azurite)
  storage_note="data in .azurite/"
fi

ensure_node_tools
echo "Building..."
# Only what runs: the tests and benchmarks build with ./test.sh. Release: a Debug build served a third
# of what this one does under load (docs/benchmarks.md, "The local run").
# The build's own output (its summary, the package feed's version warnings) goes to .run/build.log and is
# shown only if the build fails: the first screen is for what the app does.
mkdir -p .run
for project in src/Softr.Functions.LocalHost src/Softr.Sandbox; do
  if ! dotnet build "$project" -c Release --nologo -v quiet > .run/build.log 2>&1; then
    cat .run/build.log >&2
    exit 1
  fi
done

for port in 5080 7071; do
  if port_open "$port"; then
    echo "Port $port is already in use; stop whatever holds it (an earlier ./run.sh?) and try again." >&2
    exit 1
  fi
done

mkdir -p .run .azurite
# The admin key: random, made on the first run and kept in .run/master-key. Delete the file for a new one.
master_key=$(ensure_master_key)
export LocalHost__MasterKey="$master_key"
pids=()
cleanup() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] || return 0
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

open_storage_ports=0
for port in 10000 10001 10002; do
  if port_open "$port"; then open_storage_ports=$((open_storage_ports + 1)); fi
done
if [ "$open_storage_ports" -eq 3 ]; then
  echo "Azurite: already running on 127.0.0.1:10000-10002, using it."
elif [ "$open_storage_ports" -gt 0 ]; then
  echo "Some of Azurite's ports (10000-10002) are in use, not all: stop what holds them (a leftover Azurite?) and try again." >&2
  exit 1
else
  # A process per service: Azurite is single-threaded Node.js, and one process serving blobs, queues and tables
  # was the local run's limit under load (a core at 100%); three share the machine (docs/benchmarks.md).
  # The queue service sweeps every ten minutes, not every minute, and the table service looks rows up by their keys
  # (scripts/azurite-queue-sweep.js and scripts/azurite-table-index.js say why; each acts only in its own service).
  for service in blob:10000 queue:10001 table:10002; do
    name=${service%%:*}
    node --require ./scripts/azurite-queue-sweep.js --require ./scripts/azurite-table-index.js node_modules/azurite/dist/src/"$name"/main.js --silent "${storage[@]}" --skipApiVersionCheck --loose \
      --"$name"Host 127.0.0.1 > ".run/azurite-$name.log" 2>&1 &
    pids+=($!)
    wait_for_port "${service##*:}" "Azurite ($name)" ".run/azurite-$name.log" "${pids[-1]}"
  done
fi

# Started as built (not through `dotnet run`) so that the PID we hold is the app's own and a
# SIGTERM on exit reaches it.
dotnet src/Softr.Sandbox/bin/Release/net10.0/Softr.Sandbox.dll > .run/sandbox.log 2>&1 &
pids+=($!)
wait_for_port 5080 "Softr sandbox" .run/sandbox.log "${pids[-1]}"

# The local host logs to this terminal: that is where events can be watched going through.
dotnet src/Softr.Functions.LocalHost/bin/Release/net10.0/Softr.Functions.LocalHost.dll > >(tee .run/localhost.log) 2>&1 &
pids+=($!)
wait_for_port 7071 "Local host" .run/localhost.log "${pids[-1]}"

cat <<BANNER

  Softr.Functions is running on its embedded defaults.
    Webhooks     POST http://localhost:7071/api/hooks/{hook}   (hook "signup", secret header X-Webhook-Secret)
    Console      http://localhost:7071/api/console   (admin key: ${master_key}, kept in .run/master-key)
    API docs     http://localhost:7071/api/docs   (OpenAPI 3.1: http://localhost:7071/api/openapi.yaml)
    Sandbox      http://localhost:5080   (users you create: GET http://localhost:5080/sandbox/users)
    Storage      Azurite on 127.0.0.1:10000-10002 (${storage_note})
    Logs         .run/ (sandbox.log, azurite-{blob,queue,table}.log, localhost.log)

  Try it:
    curl -s http://localhost:7071/api/hooks/signup -H 'Content-Type: application/json' \\
      -H 'X-Webhook-Secret: local-dev-secret-change-me' \\
      -d '{"email":"ada@example.com","full_name":"Ada Lovelace"}'
    curl -s http://localhost:5080/sandbox/users

  Ctrl+C stops everything.

BANNER
wait "${pids[-1]}"
