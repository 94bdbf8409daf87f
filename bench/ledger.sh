#!/usr/bin/env bash
# ledger.sh - reading a balance of an append-only ledger (收款单, receipts)
# at R ledger rows, beside the hello-world anchor measured in the same run,
# and the same sum computed by scanning the ledger (GET /reports/group)
# for contrast. Not a test: prints lines for bench/RESULTS.md.
#   bench/ledger.sh [RECEIPTS] [ACCOUNTS]     default: 1000000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
RECEIPTS=${1:-1000000}
ACCOUNTS=${2:-10000}
. bench/common.sh

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F); kehu $(git rev-parse --short HEAD)"
echo "# $RECEIPTS receipts over $ACCOUNTS customers; wrk $CONNS connections x $DUR, server threads 2"
bench_anchor
db="$WORK/ledger.db"
"$KEHU" gen-data --db "$db" --accounts "$ACCOUNTS" --receipts "$RECEIPTS" 2>&1 | tail -1
kehu_start "$db" 8096
echo "# one customer's balance: $(curl -s -H "$H" "$B/receipts/balances?name=by_account&account_id=42")"
wrkrun "balance one customer" "$B/receipts/balances?name=by_account&account_id=42" "$CONNS" "$DUR" -H "$H"
wrkrun "balances page of 50" "$B/receipts/balances?name=by_account&limit=50&offset=5000" "$CONNS" "$DUR" -H "$H"
wrkrun "scan: group the whole ledger by customer" "$B/reports/group?entity=receipts&by=account_id&sum=amount" "$CONNS" "$DUR" -H "$H"
kill $server; wait $server 2>/dev/null || true
