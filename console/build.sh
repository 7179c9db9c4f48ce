#!/usr/bin/env bash
# Builds the web console for the jar (called by Maven in process-resources): installs the locked npm
# packages with the machine's npm when package-lock.json changed since the last install, then bundles.
# Usage: console/build.sh <output-folder>. No node toolchain or browser is downloaded here.
set -euo pipefail
# Everything goes to stderr: `./sluice sql -o csv > result.csv` may build first and must not write into the file.
exec 1>&2
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v npm > /dev/null; then
    echo "console: npm is not installed; the console is left out of this build" >&2
    exit 0
fi
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build -- "$1"
