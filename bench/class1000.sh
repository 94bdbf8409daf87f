#!/usr/bin/env bash
# class1000.sh - issue 13's scale goal: a class of 1,000 students (a company
# each), every one with some progress on ALLPASS 实验二 made through the API
# (student i has done the first i % 8 steps: bench/class1000.py), then
#   - the teacher's class matrix (GET /assignments/{id}/progress, the 全班进度
#     tab's 3 s poll) at 1 and 4 connections;
#   - the 1,000 students at once (bench/students.lua: each request as a
#     random student, 4 in 5 the panel's poll of my-progress, 1 in 5 a lab
#     step, POST of an activity) at 16 connections;
# beside the hello-world anchor measured in the same run. Not a test:
# prints lines for bench/RESULTS.md. The set-up's sign-ins use the cheap
# password hash of the tests (KEHU_PWHASH_FAST: 3,000 hashes at the real
# cost would take minutes); nothing measured hashes a password.
#   bench/class1000.sh [STUDENTS]      default 1000 (BENCH_PORT: default 8097)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
N=${1:-1000}
PORT=${BENCH_PORT:-8097}
echo "# machine: $(nproc) cores, $(uname -r), $(date -u '+%F %T') UTC; kehu $(git rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg); $N students"
bench_anchor
export KEHU_PWHASH_FAST=1
kehu_start "$WORK/class.db" "$PORT"
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
uid=$(curl -s -H "$H" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench_t\",\"name\":\"王老师\",\"password\":\"$BENCH_PASSWORD\"}" "$B/users" | json 'd["id"]')
curl -s -X PUT -H "$H" "$B/teachers/$uid" >/dev/null
kehu_signin "http://127.0.0.1:$PORT" "$BENCH_PASSWORD" bench_t
# the import takes at most 500 students a file: the roster in pieces
python3 - "$N" "$WORK" <<'PY'
import sys
n, work = int(sys.argv[1]), sys.argv[2]
for part, start in enumerate(range(0, n, 500)):
    with open(f'{work}/roster{part}.csv', 'w') as f:
        f.write('学号,姓名,小组\n')
        for i in range(start, min(n, start + 500)):
            f.write(f'2027{i:06d},学生{i:04d},第{i % 20 + 1}组\n')
PY
class=$(curl -s -H "$H" -H 'Content-Type: application/json' -d '{"name":"千人班","mode":"company_per_student"}' "$B/classes" | json 'd["id"]')
start=$(date +%s.%N)
for f in "$WORK"/roster*.csv; do
  curl -s -H "$H" -H 'Content-Type: text/csv' --data-binary @"$f" "$B/classes/$class/students/import" > "$f.json"
  grep -q '"created"' "$f.json" || { echo "roster refused: $(head -c 400 "$f.json")"; exit 1; }
done
python3 -c 'import json,sys; print(json.dumps({"students": [s for f in sys.argv[1:] for s in json.load(open(f))["students"]]}))' \
  "$WORK"/roster*.csv.json > "$WORK/import.json"
echo "# roster of $(json 'len(d["students"])' < "$WORK/import.json") imported in $(echo "$(date +%s.%N) - $start" | bc) s"
opens=$(date -u -d '-1 min' +%FT%TZ); closes=$(date -u -d '+7 days' +%FT%TZ)
a=$(curl -s -H "$H" -H 'Content-Type: application/json' \
  -d "{\"class_id\":$class,\"experiment\":\"allpass-02\",\"opens_at\":\"$opens\",\"closes_at\":\"$closes\"}" "$B/assignments" | json 'd["id"]')
start=$(date +%s.%N)
python3 bench/class1000.py "http://127.0.0.1:$PORT" "$WORK/import.json" "$WORK/tokens"
echo "# progress made through the API in $(echo "$(date +%s.%N) - $start" | bc) s"
curl -s -H "$H" "$B/assignments/$a/progress" | python3 -c '
import json, sys, collections
d = json.load(sys.stdin)
done = collections.Counter(s["done"] for s in d["students"])
print("# matrix: %d students, %d bytes of JSON, steps done per student: %s" % (d["total"], len(json.dumps(d, ensure_ascii=False).encode()), dict(sorted(done.items()))))'
load() { echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"; }
load
# BENCH_PERF=FILE: a perf profile of the server during the matrix at c=1
[ -n "${BENCH_PERF:-}" ] && { perf record -F 499 -g -o "$BENCH_PERF" -p "$server" >/dev/null 2>&1 & perf=$!; }
wrkrun "matrix n=$N c=1" "$B/assignments/$a/progress" 1 "$DUR" -H "$H"
[ -n "${BENCH_PERF:-}" ] && { kill -INT $perf; wait $perf 2>/dev/null || true; }
wrkrun "matrix n=$N c=4" "$B/assignments/$a/progress" 4 "$DUR" -H "$H"
load
KEHU_TOKENS="$WORK/tokens" KEHU_ASSIGNMENT=$a \
  wrkrun "students n=$N c=$CONNS" "$B/assignments/$a/my-progress" "$CONNS" "$DUR" -s "$ROOT/bench/students.lua"
load
bench_anchor
kill $server; wait $server 2>/dev/null || true
# BENCH_KEEP=DIR keeps the database (for EXPLAIN and by-hand timing)
[ -n "${BENCH_KEEP:-}" ] && cp "$WORK"/class.db* "$BENCH_KEEP"/
exit 0
