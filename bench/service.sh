#!/usr/bin/env bash
# service.sh - issue 16's service and survey figures beside the hello-world
# anchor measured in the same run: the ticket queue (open tickets of one
# service queue by resolution deadline, GET /service/queue) at TICKETS
# tickets, and a survey's statistics (GET /surveys/{id}/statistics) over
# ANSWERS answers. Each at 1 connection (latency) and 16, with the kehu
# process's CPU per request read from /proc, and the load average beside
# every line (the machine is shared). Not a test: prints lines for
# bench/RESULTS.md.
#   bench/service.sh [TICKETS] [ANSWERS]      default: 1000000 100000
# SERVICE_DB=path keeps the database (made there on the first run).
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
ANSWERS=${2:-100000}
. bench/common.sh
PORT=8112
HZ=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F), load $(load); kehu $(git rev-parse --short HEAD)"
echo "# $TICKETS tickets in 5 queues (5 % open, their deadlines ahead; the closed ones' behind), $ANSWERS survey answers (4 questions); server threads 2, SQLite"
ANCHOR_C1=1 bench_anchor
db=${SERVICE_DB:-$WORK/service.db}
if [ -f "$db" ]; then
  echo "# reusing $db"
else
  # the records the API makes (queues, a customer, a published survey), then the bulk by SQL
  kehu_start "$db" $PORT
  api() { curl -sf -H "$H" -H 'Content-Type: application/json' -d "$2" "$B/$1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'; }
  for q in 售后维修 安装调试 投诉处理 使用咨询 账务问题; do api service_queues "{\"name\":\"$q\"}" >/dev/null; done
  account=$(api accounts '{"name":"苏州明达机械有限公司"}')
  contact=$(api contacts "{\"name\":\"刘洋\",\"account_id\":$account}")
  survey=$(api surveys '{"title":"售后服务满意度调查","kind":"satisfaction","questions":[
    {"question":"您对本次服务的总体评价","kind":"single","choices":"非常满意\n满意\n一般\n不满意"},
    {"question":"您最看重哪些方面","kind":"multiple","choices":"响应速度\n技术水平\n服务态度\n收费合理"},
    {"question":"请为工程师打分","kind":"scale"},
    {"question":"其他建议","kind":"text","required":false}]}')
  kill $server; wait $server 2>/dev/null || true
  t0=$(date +%s.%N)
  sqlite3 -bail "$db" <<SQL
PRAGMA synchronous=OFF;
UPDATE surveys SET status = 'open', closes_at = '2099-01-01T00:00:00Z' WHERE id = $survey;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TICKETS),
  qs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM service_queues)
INSERT INTO tickets (company_id, owner_id, created_at, updated_at, version, code, subject, py_full, py_initials,
  kind, account_id, contact_id, channel, category, priority, queue_id, status, received_at,
  first_response_due, resolution_due, first_responded_at, response_breached, resolution_breached, reopen_count)
SELECT 1, 1, t, t, 1, printf('FW-%07d', i), '设备故障报修 ' || i, 'shebeiguzhangbaoxiu' || i, 'sbgzbx',
  'request', $account, $contact, 'phone', 'repair', CASE i % 4 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' ELSE 'normal' END,
  (SELECT id FROM qs WHERE k = (i / 20) % 5),
  CASE WHEN i % 20 <> 0 THEN 'closed' ELSE CASE (i / 20) % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' ELSE 'waiting_customer' END END,
  t, CASE WHEN i % 20 <> 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', t, '+4 hours')
    ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || (i % 97) || ' hours') END,
  CASE WHEN i % 20 <> 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', t, '+16 hours')
    ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || (i % 997) || ' hours') END, NULL, 0, 0, 0
FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i % 700) || ' days') AS t FROM n);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ANSWERS - 1)
INSERT INTO survey_answers (company_id, owner_id, created_at, updated_at, version, survey_id, invitation_id, contact_id,
  question_id, answer, score)
SELECT 1, 1, t, t, 1, $survey, i / 4 + 1, $contact, q.id,
  CASE q.position WHEN 1 THEN (CASE i % 7 WHEN 0 THEN '一般' WHEN 1 THEN '满意' ELSE '非常满意' END)
    WHEN 2 THEN (CASE i % 3 WHEN 0 THEN '响应速度' || char(10) || '服务态度' ELSE '技术水平' END)
    WHEN 3 THEN NULL ELSE '希望上门更及时，第 ' || i || ' 份' END,
  CASE q.position WHEN 3 THEN i % 5 + 1 ELSE NULL END
FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i % 30) || ' days') AS t FROM n)
JOIN survey_questions q ON q.survey_id = $survey AND q.position = i % 4 + 1 AND q.deleted_at IS NULL;
UPDATE surveys SET answered_count = $ANSWERS / 4 WHERE id = $survey;
ANALYZE;
SQL
  echo "# data by SQL: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s; $(du -h "$db" | cut -f1)"
fi
survey=$(sqlite3 "$db" "SELECT MIN(id) FROM surveys")
queue=$(sqlite3 "$db" "SELECT MIN(id) FROM service_queues")
echo "# open tickets in queue $queue: $(sqlite3 "$db" "SELECT COUNT(*) FROM tickets WHERE queue_id = $queue AND status IN ('new','in_progress','waiting_customer')"); answers of survey $survey: $(sqlite3 "$db" "SELECT COUNT(*) FROM survey_answers WHERE survey_id = $survey")"
export KEHU_SLA_SWEEP_SECONDS=86400
kehu_start "$db" $PORT
# the SLA sweep's first run at start: nothing is due, but it reads
for _ in $(seq 1 600); do [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM server_jobs WHERE last_run_at IS NOT NULL AND claimed_until IS NULL")" = 1 ] && break; sleep 0.1; done

ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
measure() { # label conns url
  local k0 k1 out reqs
  k0=$(ticks)
  out=$(wrk -t1 -c"$2" -d"$DUR" --latency -H "$H" "$3" 2>&1)
  k1=$(ticks)
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" | awk -v l="$1" -v c="$2" -v r="$reqs" -v k=$((k1 - k0)) -v hz="$HZ" -v ld="$(load)" '
    /Requests\/sec/ {rps = $2} / 50%/ {p50 = $2} / 99%/ {p99 = $2} /Non-2xx/ {bad = $NF}
    END {printf "| %s c=%d | %s | %s | %s | %.2f | %s |%s\n", l, c, rps, p50, p99, k * 1000 / hz / r, ld, bad ? " non-2xx " bad : ""}'
}
echo "# queue page: $(curl -s -H "$H" "$B/service/queue?queue_id=$queue&limit=50" | head -c 160)..."
echo "| request | req/s | p50 | p99 | kehu CPU ms/req | load average |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
measure "ticket queue, one queue, 50 by deadline" 1 "$B/service/queue?queue_id=$queue&limit=50"
measure "ticket queue, one queue, 50 by deadline" 16 "$B/service/queue?queue_id=$queue&limit=50"
measure "ticket queue, all queues, 50 by deadline" 1 "$B/service/queue?limit=50"
measure "survey statistics, $ANSWERS answers" 1 "$B/surveys/$survey/statistics"
measure "survey statistics, $ANSWERS answers" 16 "$B/surveys/$survey/statistics"
echo "# RSS after: $(ps -o rss= -p $server) KB"
kill $server; wait $server 2>/dev/null || true
