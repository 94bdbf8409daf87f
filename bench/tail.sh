#!/usr/bin/env bash
# tail.sh DB [PORT]: the tail of `q=科技` (a word in 29 % of a million
# names, bench/scale.sh's database) at 16 connections, for the
# administrator and the manager over 100k records (issue 14):
#   cold    a fresh server: no total is kept yet, every connection's
#           first request misses it at once
#   writes  the same while the administrator creates an account every
#           0.25 s (each write of accounts drops the totals kept for it)
# beside the hello-world anchor, in the same run. Each line adds the
# server's CPU per request (less at the mercy of other load than the
# latencies) and how many answers had their total counted, kept or shared
# (X-Kehu-Total, bench/total_sources.lua; a binary without the header
# shows 0s). Writes to DB: use a copy.
set -euo pipefail
. bench/common.sh
DB=$1; PORT=${2:-8150}; DUR=${BENCH_DURATION:-8s}
bench_anchor
kehu_start "$DB" "$PORT"
ADMIN_H=$H; ADMIN_TOKEN=$KEHU_TOKEN
kehu_signin "http://127.0.0.1:$PORT" 'Sales#2026pw' manager; MANAGER_H=$H
q=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("科技"))')
writer() { # one create every 0.25 s until killed
  local i=0
  while :; do
    curl -s -o /dev/null -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"name\":\"尾部科技$$-$i有限公司\"}" "$B/accounts"
    i=$((i + 1)); sleep 0.25
  done
}
ticks() { awk '{print $14 + $15}' /proc/$server/stat; }
line() { # LABEL HEADER: one wrkrun line, then the CPU per request and the totals' sources
  local t0 t1 out n
  t0=$(ticks)
  out=$(WRK_VERBOSE=1 wrkrun "$1" "$B/accounts?q=$q&limit=50" 16 "$DUR" -H "$2" -s bench/total_sources.lua)
  t1=$(ticks)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | head -1) cpu/req=$(awk -v t=$((t1 - t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.2fms", n ? t * 1000 / hz / n : 0}') $(echo "$out" | grep '^X-Kehu-Total')"
}
line "科技 admin cold" "$ADMIN_H"
line "科技 manager cold" "$MANAGER_H"
writer & w=$!
line "科技 admin writes" "$ADMIN_H"
line "科技 manager writes" "$MANAGER_H"
kill $w; wait $w 2>/dev/null || true
kill $server; wait $server 2>/dev/null || true
