#!/usr/bin/env bash
# Builds with the arguments given (`swift build …`) and fails when the compiler warned about
# any file of this repository: the project builds with zero warnings (warnings in the
# packages it depends on are theirs). Swift prints a warning only when it compiles the file,
# so a clean build (CI's fresh clone) sees them all.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || exit "$status"
warnings=$(grep -E "^$root/(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u)
if [ -n "$warnings" ]; then
  echo "build-checked: the build printed $(printf '%s\n' "$warnings" | wc -l) warning(s) in this repository:" >&2
  printf '%s\n' "$warnings" >&2
  exit 1
fi
