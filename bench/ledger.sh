#!/usr/bin/env bash
# ledger.sh - reading a balance of an append-only ledger (收款单, receipts)
# at R ledger rows, beside the hello-world anchor measured in the same run,
# and the same sum computed by scanning the ledger (GET /reports/group)
# for contrast. Not a test: prints lines for bench/RESULTS.md.
#   bench/ledger.sh [RECEIPTS] [ACCOUNTS]     default: 1000000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RECEIPTS=${1:-1000000}
ACCOUNTS=${2:-10000}
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-16}
ANCHOR_SRC=${ANCHOR_SRC:-$ROOT/../shared/bench-anchor}
KEHU=${KEHU_BIN:-$ROOT/build/kehu}
WORK=$(mktemp -d /tmp/kehu-bench-ledger.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "apt-get install wrk"; exit 1; }
wrkrun() { "$ANCHOR_SRC/wrkrun.sh" "$@"; }

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F); kehu $(git rev-parse --short HEAD)"
echo "# $RECEIPTS receipts over $ACCOUNTS customers; wrk $CONNS connections x $DUR, server threads 2"
if [ -f "$ANCHOR_SRC/mhd_hello.c" ]; then
  gcc -O2 -o "$WORK/mhd_hello" "$ANCHOR_SRC/mhd_hello.c" -lmicrohttpd
  "$WORK/mhd_hello" 8099 2 2>/dev/null & anchor=$!
  sleep 0.5
  wrkrun hello http://127.0.0.1:8099/ "$CONNS" "$DUR"
  kill $anchor; wait $anchor 2>/dev/null || true
fi
db="$WORK/ledger.db"
"$KEHU" gen-data --db "$db" --accounts "$ACCOUNTS" --receipts "$RECEIPTS" 2>&1 | tail -1
"$KEHU" serve --db "$db" --listen 127.0.0.1:8096 --threads 2 --no-access-log \
  --admin-password 'Bench#2026pw' >/dev/null 2>&1 & server=$!
for i in $(seq 1 100); do curl -sf http://127.0.0.1:8096/api/v1/openapi.json >/dev/null && break; sleep 0.1; done
cookie=$(curl -s -c - -H 'Content-Type: application/json' -d '{"username":"admin","password":"Bench#2026pw"}' \
  http://127.0.0.1:8096/api/v1/session | awk '/kehu_session/ {print $7}')
csrf=$(curl -s -b "kehu_session=$cookie" http://127.0.0.1:8096/api/v1/session | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
token=$(curl -s -b "kehu_session=$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"label":"bench"}' http://127.0.0.1:8096/api/v1/tokens | sed 's/.*"token":"\([^"]*\)".*/\1/')
H="Authorization: Bearer $token"
B=http://127.0.0.1:8096/api/v1
echo "# one customer's balance: $(curl -s -H "$H" "$B/receipts/balances?name=by_account&account_id=42")"
wrkrun "balance one customer" "$B/receipts/balances?name=by_account&account_id=42" "$CONNS" "$DUR" -H "$H"
wrkrun "balances page of 50" "$B/receipts/balances?name=by_account&limit=50&offset=5000" "$CONNS" "$DUR" -H "$H"
wrkrun "scan: group the whole ledger by customer" "$B/reports/group?entity=receipts&by=account_id&sum=amount" "$CONNS" "$DUR" -H "$H"
kill $server; wait $server 2>/dev/null || true
