#!/usr/bin/env bash
# detail.sh - the detail line of issue 14's table alone (GET /accounts/{id}
# as the administrator, c=16 and c=1), ROUNDS times (default 3). Each
# round measures the hello-world anchor, then each binary, then the anchor
# again; a binary's ratio is its req/s over the mean of the two anchors
# around it (on a shared machine the load moves within a minute). Beside
# req/s, each server's CPU time per request (utime + stime from /proc over
# the c=16 run), which the load moves much less. Prints each round and the
# medians. Not a test: prints lines for bench/RESULTS.md.
#   SCALE_DB=/path/scale-1m.db bench/detail.sh [BIN...]
# The database is bench/scale.sh's (made by it once; it is written to:
# sessions, migrations). Several binaries are measured in turn in each
# round (before/after pairs).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=8096
ROUNDS=${ROUNDS:-3}
db=${SCALE_DB:?SCALE_DB: the database of bench/scale.sh}
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=("$KEHU")
rps() { awk '{for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) {sub("rps=", "", $i); print $i}}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# LABEL URL PID [wrk args]: the c=16 run; sets $line and $cpu_ns (CPU per request of PID)
measure() {
  local label=$1 url=$2 pid=$3 t0 t1 n
  shift 3
  t0=$(cpu_ticks "$pid")
  line=$(wrkrun "$label" "$url" "$CONNS" "$DUR" "$@")
  t1=$(cpu_ticks "$pid")
  n=$(echo "$line" | rps | awk -v d="${DUR%s}" '{printf "%d", $1 * d}')
  cpu_ns=$(( (t1 - t0) * 10000000 / (n > 0 ? n : 1) ))
  echo "$line cpu/request=${cpu_ns}ns"
}
anchor_run() {
  gcc -O2 -o "$WORK/mhd_hello" "$ANCHOR_SRC/mhd_hello.c" -lmicrohttpd
  local port=${ANCHOR_PORT:-8099}
  "$WORK/mhd_hello" "$port" 2 2>/dev/null & local pid=$!
  sleep 0.5
  measure hello "http://127.0.0.1:$port/" $pid
  anchor=$(echo "$line" | rps)
  anchor_cpu=$cpu_ns
  [ -n "${1:-}" ] && wrkrun "hello c=1" "http://127.0.0.1:$port/" 1 "$DUR"
  kill $pid; wait $pid 2>/dev/null || true
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
declare -A ratios cpus
echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg); kehu $(git rev-parse --short HEAD)"
anchor_run c1
anchors="$anchor" anchor_cpus="$anchor_cpu"
for r in $(seq 1 "$ROUNDS"); do
  before=$anchor
  declare -A got
  order=("${bins[@]}")
  # every other round in the other order: neither binary always follows the anchor
  [ $((r % 2)) -eq 0 ] && order=($(printf '%s\n' "${bins[@]}" | tac))
  for bin in "${order[@]}"; do
    KEHU=$bin
    kehu_start "$db" $PORT
    for _ in 1 2 3; do curl -s -H "$H" "$B/accounts/42" >/dev/null; done
    measure "detail $(basename "$bin")" "$B/accounts/42" "$server" -H "$H"
    got[$bin]=$(echo "$line" | rps)
    cpus[$bin]="${cpus[$bin]:-} $cpu_ns"
    wrkrun "detail $(basename "$bin") c=1" "$B/accounts/42" 1 "$DUR" -H "$H"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
  anchor_run
  anchors="$anchors $anchor" anchor_cpus="$anchor_cpus $anchor_cpu"
  for bin in "${bins[@]}"; do
    ratio=$(awk -v a="$before" -v b="$anchor" -v k="${got[$bin]}" 'BEGIN {printf "%.1f", 200 * k / (a + b)}')
    echo "# round $r $(basename "$bin"): ${got[$bin]} req/s, $ratio % of the anchors around it ($before, $anchor), load $(cut -d' ' -f1 /proc/loadavg)"
    ratios[$bin]="${ratios[$bin]:-} $ratio"
  done
done
echo "# anchor: req/s$anchors; CPU per request (ns)$anchor_cpus, median $(echo $anchor_cpus | median)"
for bin in "${bins[@]}"; do
  echo "# $(basename "$bin"): ratios${ratios[$bin]}, median $(echo ${ratios[$bin]} | median) %; CPU per request (ns)${cpus[$bin]}, median $(echo ${cpus[$bin]} | median)"
done
