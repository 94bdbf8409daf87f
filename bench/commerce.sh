#!/usr/bin/env bash
# commerce.sh - the money half beside the hello-world anchor measured in the
# same run (issue 12): a 20-line sales order written and read back, the
# receivables ageing (应收账龄) over ORDERS orders with two instalments
# each, and stock on hand (现存量) and the 库存台账 over MOVES stock-ledger
# rows. Not a test: prints lines for bench/RESULTS.md.
#   bench/commerce.sh [ORDERS] [MOVES]      default: 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${1:-100000}
MOVES=${2:-1000000}
. bench/common.sh

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F); kehu $(git rev-parse --short HEAD)"
echo "# $ORDERS orders (2 instalments each) over 10000 customers; $MOVES stock moves; wrk $CONNS connections x $DUR, server threads 2"
bench_anchor
db="$WORK/commerce.db"
/usr/bin/time -f "# gen-data: %e s, %M KB" "$KEHU" gen-data --db "$db" --accounts 10000 --orders "$ORDERS" --stock-moves "$MOVES" 2>&1 | tail -2
kehu_start "$db" 8097
post() { curl -sf -H "$H" -H 'Content-Type: application/json' -d "$2" "$B/$1" | sed 's/^{"id":\([0-9]*\).*/\1/'; }
export KEHU_ACCOUNT=42 KEHU_PRODUCT=7
body=$(python3 -c 'import json;print(json.dumps({"subject":"读取压测订单","account_id":42,"lines":[{"product_id":7,"quantity":i%5+1,"price":2999,"tax_rate":13} for i in range(20)]}))')
order=$(post sales_orders "$body")
wrkrun "read 20-line order" "$B/sales_orders/$order" "$CONNS" "$DUR" -H "$H"
wrkrun "create 20-line order" "$B/sales_orders" "$CONNS" "$DUR" -s "$ROOT/bench/order20.lua"
wrkrun "ageing by customer, $ORDERS orders" "$B/reports/ageing?as_of=2026-12-31" "$CONNS" "$DUR" -H "$H"
wrkrun "ageing by salesperson, $ORDERS orders" "$B/reports/ageing?as_of=2026-12-31&by=owner" "$CONNS" "$DUR" -H "$H"
# the first requests after a write (the kept ageing is stale): 16 at once,
# ROUNDS rounds; the wall time of each burst, and how the answers came
# (X-Kehu-Report: computed / shared / kept). Without single flight every
# request of the burst computes the whole report.
ROUNDS=${BURST_ROUNDS:-5}
for i in $(seq 1 "$ROUNDS"); do
  curl -sf -X PATCH -H "$H" -H 'Content-Type: application/json' -d "{\"phone\":\"010-6000000$i\"}" "$B/accounts/42" >/dev/null
  t0=$(date +%s%N)
  seq 16 | xargs -P 16 -I{} curl -s -o /dev/null -D - -H "$H" "$B/reports/ageing?as_of=2026-12-31" \
    | tr -d '\r' | awk -F': ' 'tolower($1)=="x-kehu-report" {n[$2]++} END {for (k in n) printf "%s %d ", k, n[k]}' > "$WORK/burst"
  echo "# ageing burst after a write, 16 at once, round $i: $(( ($(date +%s%N) - t0) / 1000000 )) ms; $(cat "$WORK/burst")"
done
wrkrun "on hand, one product in one warehouse" "$B/stock_moves/balances?name=on_hand&product_id=7&warehouse_id=1" "$CONNS" "$DUR" -H "$H"
wrkrun "on hand, a page of 50" "$B/stock_moves/balances?name=on_hand&limit=50&offset=2000" "$CONNS" "$DUR" -H "$H"
wrkrun "库存台账 of one product, 12 months" "$B/reports/stock_ledger?product_id=7&from=2026-01&to=2026-12" "$CONNS" "$DUR" -H "$H"
echo "# RSS after: $(ps -o rss= -p $server) KB"
kill $server; wait $server 2>/dev/null || true
