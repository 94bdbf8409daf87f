#!/usr/bin/env bash
# run.sh - measures Kehu with wrk beside the hello-world anchor server of
# ../shared/bench-anchor, in the same run, so figures can be read as ratios
# (these machines drift 20-40 % between runs). Not a test: it prints a
# table for bench/RESULTS.md.
#   bench/run.sh [SIZES...]        default: 100000 1000000 accounts, then
#                                  bench/scale.sh (BENCH_SCALE=0: not)
# Needs: wrk (apt), a built build/kehu, the anchor source for the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-100000 1000000}
. bench/common.sh

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(date -u +%F)"
echo "# kehu $(git rev-parse --short HEAD), wrk $CONNS connections x $DUR, server threads 2"

bench_anchor

for n in $SIZES; do
  db="$WORK/bench-$n.db"
  "$KEHU" gen-data --db "$db" --accounts "$n" --contacts "$n" 2>&1 | tail -1
  kehu_start "$db" 8098
  filter=$(python3 -c 'import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))' '{"field":"city","op":"eq","value":"南京"}')
  q=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("恒兴"))')
  wrkrun "detail n=$n" "$B/accounts/42" "$CONNS" "$DUR" -H "$H"
  wrkrun "list-sorted n=$n" "$B/accounts?sort=name&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "list-page200 n=$n" "$B/accounts?sort=name&limit=50&offset=10000" "$CONNS" "$DUR" -H "$H"
  wrkrun "list-filtered n=$n" "$B/accounts?filter=$filter&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "list-filtered-recent n=$n" "$B/accounts?filter=$filter&sort=-updated_at&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "search n=$n" "$B/accounts?q=$q&limit=50" "$CONNS" "$DUR" -H "$H"
  # pinyin: initials (北京安邦… = bjab), full pinyin, and a query nothing matches
  wrkrun "search-initials n=$n" "$B/accounts?q=bjab&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "search-pinyin n=$n" "$B/accounts?q=beijing&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "search-middle n=$n" "$B/accounts?q=yunfan&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "search-nomatch n=$n" "$B/accounts?q=qzqzqz&limit=50" "$CONNS" "$DUR" -H "$H"
  wrkrun "create n=$n" "$B/accounts" "$CONNS" "$DUR" -s "$ROOT/bench/create.lua"
  kill $server; wait $server 2>/dev/null || true
done

# The table of issue 14 (a manager over ten salespeople, broad and rare
# searches, each line's cold first answer apart): its own script, as it
# makes the team and keeps its database between runs (SCALE_DB).
# BENCH_SCALE=0 skips it.
if [ "${BENCH_SCALE:-1}" != 0 ]; then
  echo "# bench/scale.sh (issue 14's table)"
  bash bench/scale.sh "${SCALE_N:-1000000}"
fi
