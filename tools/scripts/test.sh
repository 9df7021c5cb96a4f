#!/usr/bin/env bash
# The whole test suite: invariant checks, lint, typecheck, unit and contract
# tests, then the integration tests against real Kafka and PostgreSQL.
# `npm test` runs this. Under CI=true the Nx cache is skipped so every test
# really runs, and a missing Kafka or PostgreSQL fails instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_ISOLATE_PLUGINS=false FORCE_COLOR=0
cache=()
if [ "${CI:-}" = "true" ]; then cache=(--skip-nx-cache); fi
log=$(mktemp -t latchkey-test.XXXXXX)
status=0

step() {
  echo "== $*"
  "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { echo "!! failed: $*"; status=1; }
}

step npx tsx tools/scripts/check-boundaries.ts
step npx tsx tools/scripts/generate-config-docs.ts --check
step npm run typecheck
step npx nx run-many -t lint test --parallel=2 --outputStyle=static "${cache[@]}"
# `npm start`'s suite asserts the start-up budget of the foundation issue
# (seven ready lines within 20 s of a first start). Beside another suite on
# two cores it measured the neighbour as well (a CI run took over 20 s where
# the start alone takes 10), so it runs alone, before the others.
step npx nx run standalone:integration --outputStyle=static "${cache[@]}"
# Integration suites share one broker when KAFKA_BROKERS is given; otherwise
# each suite's global setup starts its own, so run them one at a time.
parallel=1
[ -n "${KAFKA_BROKERS:-}" ] && parallel=2
step npx nx run-many -t integration --exclude=standalone --parallel="$parallel" --outputStyle=static "${cache[@]}"

# One closing line over every jest run ("Tests: 2 skipped, 40 passed, 42 total").
sum() { sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^Tests: ' | grep -oE "[0-9]+ $1" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum passed); failed=$(sum failed); skipped=$(sum skipped)
rm -f "$log"
echo
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
