#!/usr/bin/env bash
# detail.sh - the detail line of issue 14's table alone (GET /accounts/{id}
# as the administrator, c=16 and c=1), ROUNDS times (default 3), each round
# beside the hello-world anchor measured just before it; prints each ratio
# and the median. Not a test: prints lines for bench/RESULTS.md.
#   SCALE_DB=/path/scale-1m.db bench/detail.sh [BIN...]
# The database is bench/scale.sh's (made by it once; it is written to:
# sessions, migrations). Several binaries are measured in turn in each
# round (before/after pairs on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=8096
export ANCHOR_C1=1
ROUNDS=${ROUNDS:-3}
db=${SCALE_DB:?SCALE_DB: the database of bench/scale.sh}
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=("$KEHU")
rps() { awk '{for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) {sub("rps=", "", $i); print $i}}'; }
declare -A ratios
echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg); kehu $(git rev-parse --short HEAD)"
for r in $(seq 1 "$ROUNDS"); do
  anchor_lines=$(bench_anchor)
  echo "$anchor_lines"
  anchor=$(echo "$anchor_lines" | head -1 | rps)
  for bin in "${bins[@]}"; do
    KEHU=$bin
    kehu_start "$db" $PORT
    for _ in 1 2 3; do curl -s -H "$H" "$B/accounts/42" >/dev/null; done
    line=$(wrkrun "detail $(basename "$bin")" "$B/accounts/42" "$CONNS" "$DUR" -H "$H")
    echo "$line"
    wrkrun "detail $(basename "$bin") c=1" "$B/accounts/42" 1 "$DUR" -H "$H"
    kill "$server"; wait "$server" 2>/dev/null || true
    ratio=$(awk -v a="$anchor" -v k="$(echo "$line" | rps)" 'BEGIN {printf "%.1f", 100 * k / a}')
    echo "# round $r $(basename "$bin"): $ratio % of the anchor ($anchor req/s), load $(cut -d' ' -f1 /proc/loadavg)"
    ratios[$bin]="${ratios[$bin]:-} $ratio"
  done
done
for bin in "${bins[@]}"; do
  echo "# $(basename "$bin"): ratios${ratios[$bin]}; median $(echo ${ratios[$bin]} | tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}') %"
done
