#!/usr/bin/env bash
# Proof that no test depends on the real date, weekday or hour (issue 12, part 1). Not part of `npm test`.
#
# Runs the clock-sensitive unit tests and e2e tests with the machine's clock moved, by libfaketime, to three moments
# where the device clock and the emulator's Friday disagree: Tuesday 18:00 UTC (just after the weekly reset),
# Wednesday 12:00 UTC and Thursday 12:00 UTC. faketime preloads libfaketime (LD_PRELOAD + FAKETIME) into node; both
# are inherited by everything node starts: vitest's workers, the WXT build, the emulator and Chromium with its
# renderers and extension service worker (playwright launches Chromium with --no-sandbox, so the preload stays). The
# clock then runs on from the moved moment. The Xûr e2e prints the worker's own Date ("device clock in the worker"),
# which this script shows, so a run where Chromium kept the real clock is visible.
#
#   bash test/clock-matrix.sh                       # default sets below
#   VR_MATRIX_UNIT="test/unit/alerts" VR_MATRIX_E2E="test/e2e/xur.test.ts" bash test/clock-matrix.sh
#
# Logs: test-results/clock-matrix/<day>-{unit,e2e}.log. Exit 0 only when every run passed.
set -u
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null; then
  echo "faketime is missing: apt-get install faketime" >&2
  exit 2
fi

# Every unit test that reads or fakes a clock: Xûr schedule, alerts and badge, the server clock, token expiry and
# refresh, rate limits and back-off, the profile cache's 30 s rule, move expiry, Manifest retries, the emulator.
read -r -a UNIT <<<"${VR_MATRIX_UNIT:-test/unit/vendors test/unit/alerts test/unit/bungie test/unit/profile test/unit/moves test/unit/manifest test/unit/fake-bungie test/unit/components}"
# e2e files where the emulator's clock or token lifetimes matter.
read -r -a E2E <<<"${VR_MATRIX_E2E:-test/e2e/xur.test.ts test/e2e/auth.test.ts}"
CLOCKS=("2026-12-01 18:00:00" "2026-12-02 12:00:00" "2026-12-03 12:00:00")

LOGS=test-results/clock-matrix
mkdir -p "$LOGS"
passed=0
failed=0
summary=()

count() { # $1 log, $2 kind → "P F"
  if [[ $2 == unit ]]; then
    local line
    line=$(sed -r 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^ +Tests ' | tail -1)
    local p f
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    echo "${p:-0} ${f:-0}"
  else
    local p f
    p=$(grep -E '^# pass ' "$1" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail ' "$1" | tail -1 | awk '{print $3}')
    echo "${p:-0} ${f:-0}"
  fi
}

for clock in "${CLOCKS[@]}"; do
  day=$(TZ=UTC faketime "$clock" date -u +%a-%H%M)
  echo "=== real clock moved to $(TZ=UTC faketime "$clock" date -u '+%A %Y-%m-%d %H:%M UTC')"

  log="$LOGS/$day-unit.log"
  TZ=UTC faketime "$clock" npx vitest run "${UNIT[@]}" >"$log" 2>&1
  rc=$?
  read -r p f < <(count "$log" unit)
  [[ $rc -ne 0 && $f -eq 0 ]] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
  summary+=("$day unit: $p passed, $f failed (exit $rc)")
  echo "  unit: $p passed, $f failed"

  log="$LOGS/$day-e2e.log"
  TZ=UTC faketime "$clock" node --import tsx --test --test-concurrency=1 "${E2E[@]}" >"$log" 2>&1
  rc=$?
  read -r p f < <(count "$log" e2e)
  [[ $rc -ne 0 && $f -eq 0 ]] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
  summary+=("$day e2e: $p passed, $f failed (exit $rc)")
  echo "  e2e: $p passed, $f failed"
  grep -hoE 'device clock in the worker: [0-9TZ:.-]+' "$log" | sed 's/^/  /'
  if [[ $f -ne 0 ]]; then grep -E '^ *not ok|×' "$log" | head -20 | sed 's/^/    /'; fi
done

echo
echo "=== clock matrix"
printf '%s\n' "${summary[@]}"
echo "clock-matrix: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
