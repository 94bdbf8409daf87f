#!/usr/bin/env bash
# pg-cpu.sh - CPU per request of one `kehu serve` node and of PostgreSQL,
# for the question a 2-core machine cannot answer by throughput: how far do
# N nodes in front of one PostgreSQL carry? CPU time per request is read
# from /proc (the node's process; the postmaster's children) around a wrk
# run of each request kind, so it holds even when the machine is busy.
# Not a test.
#   bench/pg-cpu.sh [ACCOUNTS]        default 100000 (and as many contacts)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
. bench/common.sh
PG_PORT=${BENCH_PG_PORT:-25590}
HZ=$(getconf CLK_TCK)
chmod 755 "$WORK" # the PostgreSQL server runs as its own user and must reach $WORK/pg

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# kehu $KEHU ($(git rev-parse --short HEAD)), PostgreSQL on loopback, $N accounts, wrk $CONNS connections x $DUR"
bench_anchor

url=$(bash scripts/pg.sh start "$WORK/pg" "$PG_PORT")
trap 'kill $(jobs -p) 2>/dev/null || true; bash scripts/pg.sh stop "$WORK/pg" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
db=$(bash scripts/pg.sh createdb "$PG_PORT" kehu_bench)
"$KEHU" gen-data --db "$db" --accounts "$N" --contacts "$N" 2>&1 | tail -1
kehu_start "$db" "${BENCH_PORT:-8188}"
postmaster=$(head -1 "$WORK/pg/data/postmaster.pid")

ticks() { # pid...: their user+system CPU in clock ticks
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
pg_ticks() { ticks "$postmaster" $(pgrep -P "$postmaster" || true); }

printf '%-22s %9s %12s %12s %14s\n' request requests kehu_ms/req pg_ms/req "nodes:req/s"
measure() { # label url [wrk args...]
  local label=$1 u=$2; shift 2
  local k0 p0 k1 p1 out reqs
  k0=$(ticks "$server"); p0=$(pg_ticks)
  out=$(wrk -t2 -c"$CONNS" -d"$DUR" "$@" "$u" 2>&1)
  k1=$(ticks "$server"); p1=$(pg_ticks)
  [ -n "${BENCH_DEBUG:-}" ] && echo "kehu $k0..$k1 pg $p0..$p1" >&2
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  # On paper: N nodes of 2 cores each before one PostgreSQL of 8 cores;
  # throughput is the lower of what the nodes and what the database carry.
  awk -v l="$label" -v r="$reqs" -v k=$((k1 - k0)) -v p=$((p1 - p0)) -v hz="$HZ" 'BEGIN {
    km = k * 1000 / hz / r; pm = p * 1000 / hz / r
    line = ""
    for (n = 1; n <= 8; n *= 2) {
      nodes = n * 2 * 1000 / km; db = (pm > 0 ? 8 * 1000 / pm : 1e12)
      line = line sprintf(" %d:%.0f", n, nodes < db ? nodes : db)
    }
    printf "%-22s %9d %12.3f %12.3f %s\n", l, r, km, pm, line }'
}
filter=$(python3 -c 'import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))' '{"field":"city","op":"eq","value":"南京"}')
q=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("恒兴"))')
measure "detail" "$B/accounts/42" -H "$H"
measure "list sorted by name" "$B/accounts?sort=name&limit=50" -H "$H"
measure "list filtered city" "$B/accounts?filter=$filter&limit=50" -H "$H"
measure "search q=恒兴" "$B/accounts?q=$q&limit=50" -H "$H"
measure "create" "$B/accounts" -s "$ROOT/bench/create.lua"
