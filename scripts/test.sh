#!/usr/bin/env bash
# make test: build everything, run every XCTest, and end with one plain summary line.
set -uo pipefail
SWIFT=${SWIFT:-swift}
$SWIFT build --build-tests || exit 1
log=$(mktemp)
$SWIFT test --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# XCTest's closing line for the whole run: "Executed N tests, with [S tests skipped and] F failures ..."
line=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -1)
executed=$(echo "$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failures=$(echo "$line" | sed -E 's/.* ([0-9]+) failures? .*/\1/')
skipped=$(echo "$line" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || true)
skipped=${skipped:-0}
rm -f "$log"
if [ -z "$executed" ]; then echo "tests: no XCTest summary found"; exit 1; fi
echo "tests: $((executed - failures - skipped)) passed, $failures failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failures" -eq 0 ]
