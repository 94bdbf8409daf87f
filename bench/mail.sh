#!/usr/bin/env bash
# mail.sh - a bulk send end to end (issue 16): one template to every one of
# N contacts (POST /communications/send with the whole contacts list), from
# the request until the local SMTP server (tests/api/smtp_sink.py, Debian's
# python3-aiosmtpd) has every message, each exactly once. Prints the send
# request's time (rendering and queueing all N in one transaction), the
# delivery time, messages a second, the CPU the kehu process spent per
# message, and the load average (the machine is shared). Not a test.
#   bench/mail.sh [N]          default 10000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
. bench/common.sh
PORT=8110
SMTP_PORT=8111
HZ=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%F), load $(load); kehu $(git rev-parse --short HEAD)"
db="$WORK/mail.db"
"$KEHU" gen-data --db "$db" --accounts 1000 --contacts "$N" 2>&1 | tail -1
sink_file="$WORK/received.jsonl"
/usr/bin/python3 tests/api/smtp_sink.py $SMTP_PORT "$sink_file" > "$WORK/sink.log" 2>&1 & sink=$!
for _ in $(seq 1 100); do grep -q ready "$WORK/sink.log" 2>/dev/null && break; sleep 0.1; done
export KEHU_MAIL_POLL_MS=100
kehu_start "$db" $PORT
api() { curl -sf -X "$1" -H "$H" -H 'Content-Type: application/json' -d "$3" "$B/$2"; }
api PUT communications/settings "{\"smtp_host\":\"127.0.0.1\",\"smtp_port\":$SMTP_PORT,\"tls_mode\":\"none\",
  \"from_address\":\"crm@xingjian.example\",\"from_name\":\"行健动力\",\"rate_per_minute\":1000000,
  \"public_url\":\"http://127.0.0.1:$PORT\"}" >/dev/null
template=$(api POST comm_templates '{"name":"推介会邀请函","channel":"email","subject":"{{contact.name}}，诚邀{{account.name}}参加推介会",
  "body":"尊敬的{{contact.name}}：\n诚邀您参加秋季新品推介会，报名请访问 https://www.xingjian.example/expo 。\n{{user.name}}"}' |
  python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
echo "# $(sqlite3 "$db" "SELECT COUNT(*) FROM contacts WHERE email IS NOT NULL") contacts with an email; load $(load)"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
k0=$(ticks $server)
t0=$(now)
batch=$(api POST communications/send "{\"template_id\":$template,\"filter\":null}" | tee "$WORK/send.json" |
  python3 -c 'import json,sys;print(json.load(sys.stdin)["batch"])')
t1=$(now)
k1=$(ticks $server); s1=$(ticks $sink)
echo "# send answered in $(secs "$t0" "$t1") s: $(cat "$WORK/send.json"); kehu CPU $(awk -v k=$((k1 - k0)) -v hz="$HZ" -v n="$N" 'BEGIN {printf "%.2f", k * 1000 / hz / n}') ms per message; load $(load)"
while :; do
  left=$(curl -s -H "$H" "$B/communications/batches/$batch" | python3 -c 'import json,sys;b=json.load(sys.stdin);print(b["pending"]+b["sending"])')
  [ "$left" = 0 ] && break
  sleep 0.2
done
t2=$(now)
k2=$(ticks $server); s2=$(ticks $sink)
sleep 0.5
got=$(wc -l < "$sink_file")
unique=$(python3 -c 'import json,sys;print(len({json.loads(l)["id"] for l in open(sys.argv[1])}))' "$sink_file")
echo "# batch: $(curl -s -H "$H" "$B/communications/batches/$batch")"
ms() { awk -v k="$1" -v hz="$HZ" -v n="$N" 'BEGIN {printf "%.2f", k * 1000 / hz / n}'; }
echo "# delivery wall time per message $(awk -v n="$N" -v a="$t1" -v b="$t2" 'BEGIN {printf "%.2f", (b - a) * 1000 / n}') ms: kehu CPU $(ms $((k2 - k1))) ms, the SMTP sink's CPU $(ms $((s2 - s1))) ms"
echo "| recipients | send request s | delivery s | end to end s | messages/s | kehu CPU ms/message (delivery) | received, distinct | load average |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
echo "| $N | $(secs "$t0" "$t1") | $(secs "$t1" "$t2") | $(secs "$t0" "$t2") | $(awk -v n="$N" -v a="$t0" -v b="$t2" 'BEGIN {printf "%.0f", n / (b - a)}') | $(awk -v k=$((k2 - k1)) -v hz="$HZ" -v n="$N" 'BEGIN {printf "%.2f", k * 1000 / hz / n}') | $got, $unique | $(load) |"
kill $server $sink; wait $server $sink 2>/dev/null || true
