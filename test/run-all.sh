#!/usr/bin/env bash
# `npm test`: lint → typecheck → unit → production build → end-to-end. Stops at the first failing stage.
set -uo pipefail
cd "$(dirname "$0")/.."

declare -a summary=()
stage() {
  local name=$1; shift
  echo
  echo "════ $name: $*"
  local start=$SECONDS
  "$@"
  local code=$?
  local took=$((SECONDS - start))
  summary+=("$(printf '%-10s %4ss  %s' "$name" "$took" "$([ $code -eq 0 ] && echo ok || echo "FAILED ($code)")")")
  if [ $code -ne 0 ]; then
    printf '\n%s\n' "${summary[@]}"
    echo "npm test: stage '$name' failed"
    exit $code
  fi
}

stage lint npx eslint .
stage typecheck npx vue-tsc --noEmit
stage unit npx vitest run
stage build npx wxt build
stage e2e npm run --silent test:e2e

echo
echo "════ stage times"
printf '%s\n' "${summary[@]}"
