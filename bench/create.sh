#!/usr/bin/env bash
# create.sh - issue 14's create line alone: POST /accounts as the
# administrator at c=16 on a million-customer database, RUNS times (default
# 3), each run beside the hello-world anchor measured just before it, and a
# fresh server per run. Not a test: prints lines for bench/RESULTS.md.
#   SCALE_DB=copy.db bench/create.sh [RUNS]
# CREATE_BINS="old/kehu new/kehu": each run measures every binary in turn
# after the one anchor, so a before/after pair meets the same load.
# Each run adds some 10-20,000 customers to SCALE_DB: use a copy of
# bench/scale.sh's database, never the shared one.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
. bench/common.sh
PORT=${BENCH_PORT:-8093}
db=${SCALE_DB:?SCALE_DB=path of a copy of bench/scale.sh\'s database}
echo "# machine: $(nproc) cores, $(uname -r), $(date -u '+%F %H:%M'), load $(cut -d' ' -f1-3 /proc/loadavg); kehu $(git rev-parse --short HEAD)"
for run in $(seq 1 "$RUNS"); do
  bench_anchor
  for KEHU in ${CREATE_BINS:-$KEHU}; do
    sync # the last server's checkpoint still being written back would slow this one's fsyncs
    kehu_start "$db" "$PORT"
    wrkrun "POST /accounts $(basename "$KEHU")" "$B/accounts" "$CONNS" "$DUR" -s "$ROOT/bench/create.lua"
    echo "# RSS private (RssAnon) $(grep RssAnon /proc/$server/status | awk '{print $2}') KB; load $(cut -d' ' -f1-3 /proc/loadavg)"
    kill $server; wait $server 2>/dev/null || true
  done
done
