#!/usr/bin/env bash
# teaching.sh - the teacher's class matrix (GET /assignments/{id}/progress,
# asked every 3 s by the 全班进度 tab) for a class of N students, in each
# class mode, beside the hello-world anchor measured in the same run. The
# students have no records (the matrix's cost is its queries per student
# and step, not the rows). Not a test: prints lines for bench/RESULTS.md.
#   bench/teaching.sh [STUDENTS]      default: 200 (BENCH_PORT: the server's port, default 8096)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
N=${1:-200}
echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F); kehu $(git rev-parse --short HEAD); $N students"
bench_anchor
PORT=${BENCH_PORT:-8096}
kehu_start "$WORK/teaching.db" "$PORT"
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
uid=$(curl -s -H "$H" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench_t\",\"name\":\"王老师\",\"password\":\"$BENCH_PASSWORD\"}" "$B/users" | json 'd["id"]')
curl -s -X PUT -H "$H" "$B/teachers/$uid" >/dev/null
kehu_signin "http://127.0.0.1:$PORT" "$BENCH_PASSWORD" bench_t
python3 - "$N" > "$WORK/roster.csv" <<'PY'
import sys
print('学号,姓名,小组')
for i in range(int(sys.argv[1])):
    print(f'2025{i:06d},学生{i:04d},第{i % 10 + 1}组')
PY
opens=$(date -u -d '-1 min' +%FT%TZ); closes=$(date -u -d '+7 days' +%FT%TZ)
for mode in shared_company company_per_student; do
  class=$(curl -s -H "$H" -H 'Content-Type: application/json' -d "{\"name\":\"$mode\",\"mode\":\"$mode\"}" "$B/classes" | json 'd["id"]')
  # one roster per mode: the 学号 are sign-ins, so the second class gets its own
  sed "s/^2025/2026/" "$WORK/roster.csv" > "$WORK/roster-$mode.csv"
  [ "$mode" = shared_company ] && cp "$WORK/roster.csv" "$WORK/roster-$mode.csv"
  start=$(date +%s.%N)
  curl -s -H "$H" -H 'Content-Type: text/csv' --data-binary @"$WORK/roster-$mode.csv" \
    "$B/classes/$class/students/import" | json 'd.get("created", d)' > /dev/null
  echo "# roster of $N imported ($mode) in $(echo "$(date +%s.%N) - $start" | bc) s"
  a=$(curl -s -H "$H" -H 'Content-Type: application/json' \
    -d "{\"class_id\":$class,\"experiment\":\"allpass-02\",\"opens_at\":\"$opens\",\"closes_at\":\"$closes\"}" "$B/assignments" | json 'd["id"]')
  wrkrun "matrix $mode n=$N" "$B/assignments/$a/progress" 1 "$DUR" -H "$H"
  wrkrun "matrix $mode n=$N" "$B/assignments/$a/progress" 4 "$DUR" -H "$H"
done
