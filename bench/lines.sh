#!/usr/bin/env bash
# lines.sh - a 200-line document (a quote with owned lines) written and read
# back, measured with wrk beside the hello-world anchor like run.sh. Prints
# rows for bench/RESULTS.md.
#   bench/lines.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

echo "# kehu $(git rev-parse --short HEAD), wrk $CONNS connections x $DUR, server threads 2"
bench_anchor
kehu_start "$WORK/lines.db" 8098
post() { curl -sf -H "$H" -H 'Content-Type: application/json' -d "$2" "$B/$1" | sed 's/^{"id":\([0-9]*\).*/\1/'; }
export KEHU_ACCOUNT=$(post accounts '{"name":"压测明细客户"}')
export KEHU_PRODUCT=$(post products '{"name":"压测产品","unit":"台","price":4999}')
# one quote of 200 lines to read back
body=$(python3 -c 'import json,os;print(json.dumps({"subject":"读取压测","account_id":int(os.environ["KEHU_ACCOUNT"]),"lines":[{"product_id":int(os.environ["KEHU_PRODUCT"]),"description":"明细%d"%i,"quantity":i%7+1,"price":4899.5,"tax_rate":13} for i in range(200)]}))')
quote=$(post quotes "$body")
wrkrun "read 200-line quote" "$B/quotes/$quote" "$CONNS" "$DUR" -H "$H"
wrkrun "create 200-line quote" "$B/quotes" "$CONNS" "$DUR" -s "$ROOT/bench/lines.lua"
kill $server; wait $server 2>/dev/null || true
