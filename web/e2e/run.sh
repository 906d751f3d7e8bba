#!/usr/bin/env bash
# Runs the console's browser tests: installs playwright-core from the lockfile, then drives
# the machine's Chromium (/usr/bin/chromium, or $CHROMIUM) against the server under test.
# NHI_E2E_FAKE=1 tests against the fake API; NHI_E2E_SCREENSHOTS=DIR keeps screenshots there.
set -euo pipefail
cd "$(dirname "$0")"
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || { echo "run.sh: Chromium not found (apt-get install -y chromium)" >&2; exit 1; }
npm ci --no-audit --no-fund
node --test --test-concurrency=1 --test-timeout=300000 tests/
