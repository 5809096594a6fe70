# Shared by run.sh and test.sh. Sourced, not executed.

# Installs the pinned dev tools (Azurite) from package-lock.json when they are missing or stale.
ensure_node_tools() {
  if ! command -v node >/dev/null 2>&1; then
    echo "Node.js is required (for Azurite, the storage emulator). Install Node.js 20 or newer." >&2
    exit 1
  fi
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# ensure_master_key: the local host's admin key, random, made on the first run and kept in .run/master-key
# (readable by its owner only); prints it. A documented key would let any web page the developer visits
# drive the admin API.
ensure_master_key() {
  mkdir -p .run
  if [ ! -s .run/master-key ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > .run/master-key)
  fi
  cat .run/master-key
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_for_port PORT NAME LOG PID: waits up to 60 s; shows the log if the process died or never listened.
wait_for_port() {
  local port=$1 name=$2 log=$3 pid=$4
  for _ in $(seq 1 600); do
    if port_open "$port"; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before listening on port $port. Its log ($log):" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name did not listen on port $port within 60 s. Its log ($log):" >&2
  tail -n 40 "$log" >&2
  exit 1
}
