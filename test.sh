#!/usr/bin/env bash
# Runs the whole test suite: unit tests and end-to-end tests. The end-to-end fixtures start their own
# Azurite, Softr sandbox and local host on free ports and stop them afterwards, so nothing needs to be
# running first. Needs only the .NET 10 SDK and Node.js. Extra arguments go to `dotnet test`
# (for example: ./test.sh --filter "FullyQualifiedName~Webhook").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

ensure_node_tools
# The console's browser test drives Debian's Chromium by its path (never a downloaded browser). As root
# with apt (CI), it is installed here; elsewhere the test is skipped unless CI=true, where it fails.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "Could not install chromium; the browser test will be skipped (and fail under CI=true)." >&2
fi
mkdir -p .run
status=0
dotnet test Softr.Functions.sln --nologo "$@" 2>&1 | tee .run/test.log || status=$?

# One closing line for the whole suite, summed over the test projects.
awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i < NF; i++) { k = $i; sub(/.*- /, "", k); gsub(/ /, "", k); v = $(i + 1); gsub(/ /, "", v);
  if (k == "Passed") p += v; if (k == "Failed") f += v; if (k == "Skipped") s += v } }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' .run/test.log
exit "$status"
