#!/usr/bin/env bash
# lines.sh - a 200-line document (a quote with owned lines) written and read
# back, measured with wrk beside the hello-world anchor like run.sh. Prints
# rows for bench/RESULTS.md.
#   bench/lines.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-16}
ANCHOR_SRC=${ANCHOR_SRC:-$ROOT/../shared/bench-anchor}
KEHU=${KEHU_BIN:-$ROOT/build/kehu}
WORK=$(mktemp -d /tmp/kehu-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "apt-get install wrk"; exit 1; }
wrkrun() { "$ANCHOR_SRC/wrkrun.sh" "$@"; }
. "$ROOT/bench/signin.sh"

echo "# kehu $(git rev-parse --short HEAD), wrk $CONNS connections x $DUR, server threads 2"
gcc -O2 -o "$WORK/mhd_hello" "$ANCHOR_SRC/mhd_hello.c" -lmicrohttpd
"$WORK/mhd_hello" 8099 2 2>/dev/null & anchor=$!
sleep 0.5
wrkrun hello http://127.0.0.1:8099/ "$CONNS" "$DUR"
kill $anchor; wait $anchor 2>/dev/null || true

"$KEHU" serve --db "$WORK/lines.db" --listen 127.0.0.1:8098 --threads 2 --no-access-log \
  --admin-password 'Bench#2026pw' >/dev/null 2>&1 & server=$!
for i in $(seq 1 100); do curl -sf http://127.0.0.1:8098/api/v1/openapi.json >/dev/null && break; sleep 0.1; done
kehu_signin http://127.0.0.1:8098 'Bench#2026pw'
H="Authorization: Bearer $KEHU_TOKEN"
B=http://127.0.0.1:8098/api/v1
post() { curl -sf -H "$H" -H 'Content-Type: application/json' -d "$2" "$B/$1" | sed 's/^{"id":\([0-9]*\).*/\1/'; }
export KEHU_ACCOUNT=$(post accounts '{"name":"压测明细客户"}')
export KEHU_PRODUCT=$(post products '{"name":"压测产品","unit":"台","price":4999}')
# one quote of 200 lines to read back
body=$(python3 -c 'import json,os;print(json.dumps({"subject":"读取压测","account_id":int(os.environ["KEHU_ACCOUNT"]),"lines":[{"product_id":int(os.environ["KEHU_PRODUCT"]),"description":"明细%d"%i,"quantity":i%7+1,"price":4899.5,"tax_rate":13} for i in range(200)]}))')
quote=$(post quotes "$body")
wrkrun "read 200-line quote" "$B/quotes/$quote" "$CONNS" "$DUR" -H "$H"
wrkrun "create 200-line quote" "$B/quotes" "$CONNS" "$DUR" -s "$ROOT/bench/lines.lua"
kill $server; wait $server 2>/dev/null || true
