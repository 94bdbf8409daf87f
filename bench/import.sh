#!/usr/bin/env bash
# import.sh - times importing N generated customers (CSV, one call, through
# the records engine) on SQLite, beside the hello-world anchor measured in
# the same run. Not a test: prints lines for bench/RESULTS.md.
#   bench/import.sh [ROWS]          default: 100000
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${1:-100000}
ANCHOR_SRC=${ANCHOR_SRC:-$ROOT/../shared/bench-anchor}
KEHU=${KEHU_BIN:-$ROOT/build/kehu}
WORK=$(mktemp -d /tmp/kehu-bench-import.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F); kehu $(git rev-parse --short HEAD)"
if [ -f "$ANCHOR_SRC/mhd_hello.c" ]; then
  gcc -O2 -o "$WORK/mhd_hello" "$ANCHOR_SRC/mhd_hello.c" -lmicrohttpd
  "$WORK/mhd_hello" 8099 2 2>/dev/null & anchor=$!
  sleep 0.5
  "$ANCHOR_SRC/wrkrun.sh" hello http://127.0.0.1:8099/ 16 10s
  kill $anchor; wait $anchor 2>/dev/null || true
fi
python3 - "$ROWS" > "$WORK/rows.csv" <<'PY'
import random, sys
random.seed(1)
print('客户名称,客户类型,客户等级,城市,员工人数,资信额度,电话')
cities = ['南京', '苏州', '杭州', '上海', '北京', '广州', '深圳', '成都', '武汉', '西安']
for i in range(int(sys.argv[1])):
    print(f'批量导入客户{i:07d}有限公司,客户,{random.choice(["A类", "B类", "C类"])},{random.choice(cities)},'
          f'{random.randint(5, 5000)},{random.randint(0, 100000)}.50,025-{random.randint(10000000, 99999999)}')
PY
"$KEHU" serve --db "$WORK/import.db" --listen 127.0.0.1:8097 --threads 2 --no-access-log \
  --admin-password 'Bench#2026pw' >/dev/null 2>&1 &
for i in $(seq 1 100); do curl -sf http://127.0.0.1:8097/api/v1/openapi.json >/dev/null && break; sleep 0.1; done
curl -s -c "$WORK/cookie" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"Bench#2026pw"}' http://127.0.0.1:8097/api/v1/session > "$WORK/session.json"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$WORK/session.json")
start=$(date +%s.%N)
curl -s -b "$WORK/cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: text/csv' --data-binary @"$WORK/rows.csv" \
  "http://127.0.0.1:8097/api/v1/accounts/import?wait=true&duplicates=create" > "$WORK/result.json"
end=$(date +%s.%N)
python3 - "$WORK/result.json" "$start" "$end" "$ROWS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); secs = float(sys.argv[3]) - float(sys.argv[2]); n = int(sys.argv[4])
print(f"import {n} rows: {secs:.1f} s, {n / secs:,.0f} rows/s, created {r['created']}, failed {r['failed']}")
PY
