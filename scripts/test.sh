#!/usr/bin/env bash
# The project's one test command: type-check, lint, unit + integration tests, then the e2e suite.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint .
echo "== tests"
# One engine process per test host unless a test asks for more (e2e/engine-workers-setting clears this to test
# Automatic): with two test files at a time on 2 cores, Automatic's second process per host only adds load.
export VIGIL_ENGINE_WORKERS="${VIGIL_ENGINE_WORKERS:-1}"
# One run of node's test runner over every suite so CI reads one closing summary.
files=$(find src-engine src-main src-contract src-renderer e2e scripts -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=600000 $files
