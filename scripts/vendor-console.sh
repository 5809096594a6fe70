#!/usr/bin/env bash
# Copies the console's chart library (uPlot) from node_modules, where npm ci put the version that
# package.json pins and package-lock.json checks, into the function app's Console/vendor folder. The
# copy is committed: nothing is fetched at build or run time. A test checks the two stay identical.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/uplot ] || npm ci --no-audit --no-fund
vendor=src/Softr.Functions.App/Console/vendor
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css "$vendor/"
cp node_modules/uplot/LICENSE "$vendor/uPlot.LICENSE"
echo "uPlot $(node -p 'require("./node_modules/uplot/package.json").version') copied to $vendor"
