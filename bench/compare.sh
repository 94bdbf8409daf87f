#!/usr/bin/env bash
# compare.sh - the list figures of two builds of kehu on the same generated
# data, beside the anchor, in one run: for a change that touches every
# statement (companies: a company predicate and company-first indexes), the
# before and after figures must be read side by side. Not a test.
#   BEFORE_BIN=/path/to/old/kehu bench/compare.sh [SIZE]   default 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
. bench/common.sh
: "${BEFORE_BIN:?set BEFORE_BIN to the kehu binary to compare with}"
AFTER_BIN=$KEHU

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# before $BEFORE_BIN, after $AFTER_BIN ($(git rev-parse --short HEAD)), wrk $CONNS connections x $DUR"
bench_anchor
filter=$(python3 -c 'import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))' '{"field":"city","op":"eq","value":"南京"}')
q=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("恒兴"))')
for which in before after; do
  KEHU=$([ $which = before ] && echo "$BEFORE_BIN" || echo "$AFTER_BIN")
  db="$WORK/$which-$N.db"
  "$KEHU" gen-data --db "$db" --accounts "$N" --contacts "$N" 2>&1 | tail -1
  kehu_start "$db" 8098
  wrkrun "$which detail n=$N" "$B/accounts/42" "$CONNS" "$DUR" -H "$H"
  wrkrun "$which list-sorted n=$N" "$B/accounts?sort=name&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "$which list-page200 n=$N" "$B/accounts?sort=name&limit=50&offset=10000" "$CONNS" "$DUR" -H "$H"
  wrkrun "$which list-filtered n=$N" "$B/accounts?filter=$filter&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "$which search n=$N" "$B/accounts?q=$q&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "$which create n=$N" "$B/accounts" "$CONNS" "$DUR" -s "$ROOT/bench/create.lua"
  kill $server; wait $server 2>/dev/null || true
  rm -f "$db"*
done
