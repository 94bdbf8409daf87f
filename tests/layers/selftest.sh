#!/usr/bin/env bash
# selftest.sh - tools/layers.sh on a small made-up tree: an include up the
# order fails with its line, the allowlist lets a listed one through, an
# allowlist line no longer needed fails, a file in no layer fails.
set -uo pipefail
CHECK="$(cd "$(dirname "$0")/../.." && pwd)/tools/layers.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() { # description expected-exit-code expected-output-pattern
  local out rc
  out=$(bash "$CHECK" "$T" 2>&1); rc=$?
  if [ "$rc" -ne "$2" ] || ! grep -q -- "$3" <<<"$out"; then
    echo "FAIL: $1 (exit $rc)"; echo "$out"; fails=$((fails + 1))
  else
    echo "ok: $1"
  fi
}
mkdir -p "$T/src/low" "$T/src/high" "$T/tools"
printf 'low src/low\nhigh src/high\n' > "$T/tools/layers.txt"
: > "$T/tools/layers-allow.txt"
printf '#include "../low/a.h"\n' > "$T/src/high/b.c"
printf '#include <stdio.h>\n#include "a.h"\n' > "$T/src/low/a.c"
: > "$T/src/low/a.h"; : > "$T/src/high/b.h"
expect "includes down the order pass" 0 ""
printf '#include <stdio.h>\n#include "a.h"\n#include "../high/b.h"\n' > "$T/src/low/a.c"
expect "an include up the order fails with its line" 1 'src/low/a.c:3: #include "../high/b.h" (low includes the higher layer high)'
echo 'src/low/a.c src/high/b.h  reason' > "$T/tools/layers-allow.txt"
expect "an allowed include passes" 0 ""
printf '#include "a.h"\n' > "$T/src/low/a.c"
expect "an allowance no longer needed fails" 1 'no longer needed'
: > "$T/tools/layers-allow.txt"
mkdir -p "$T/src/new"; printf '#include "../low/a.h"\n' > "$T/src/new/c.c"
expect "a file in no layer fails" 1 'is in no layer'
[ "$fails" -eq 0 ]
