#!/usr/bin/env bash
# The project's one test command: type-check, lint, unit + integration tests, then the e2e suite.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint .
echo "== tests"
# One run of node's test runner over every suite so CI reads one closing summary.
files=$(find src-engine src-main src-contract src-renderer e2e scripts -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=600000 $files
