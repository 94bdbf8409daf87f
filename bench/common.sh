# common.sh - sourced by the bench scripts (after `cd` to the repository):
# the settings, a work folder removed at exit, and the three steps every
# measurement shares. Not a test.
#   bench_anchor          measures the hello-world anchor of
#                         ../shared/bench-anchor (or $ANCHOR_SRC), for ratios
#   kehu_start DB PORT    serves DB on PORT (2 threads) and waits for it;
#                         sets $server (pid) and $B (its API base URL)
#   kehu_signin BASE PW [USER]  signs in (as admin unless USER) and exports
#                         KEHU_TOKEN and $H, the Bearer header for wrk and curl
ROOT=$(pwd)
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-16}
ANCHOR_SRC=${ANCHOR_SRC:-$ROOT/../shared/bench-anchor}
KEHU=${KEHU_BIN:-$ROOT/build/kehu}
BENCH_PASSWORD='Bench#2026pw'
WORK=$(mktemp -d /tmp/kehu-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "apt-get install wrk"; exit 1; }
wrkrun() { "$ANCHOR_SRC/wrkrun.sh" "$@"; }

bench_anchor() {
  if [ ! -f "$ANCHOR_SRC/mhd_hello.c" ]; then
    echo "# anchor not found at $ANCHOR_SRC: no ratio"
    return
  fi
  gcc -O2 -o "$WORK/mhd_hello" "$ANCHOR_SRC/mhd_hello.c" -lmicrohttpd
  # ANCHOR_PORT: another port when another run may hold 8099 at the same time
  local port=${ANCHOR_PORT:-8099}
  "$WORK/mhd_hello" "$port" 2 2>/dev/null & local anchor=$!
  sleep 0.5
  wrkrun hello "http://127.0.0.1:$port/" "$CONNS" "$DUR"
  [ -n "${ANCHOR_C1:-}" ] && wrkrun "hello c=1" "http://127.0.0.1:$port/" 1 "$DUR"
  kill $anchor; wait $anchor 2>/dev/null || true
}

kehu_start() {
  # BENCH_ACCESS_LOG=file keeps the server's access log (each answer's time
  # in the server) there, to find which answers make a tail
  if [ -n "${BENCH_ACCESS_LOG:-}" ]; then
    "$KEHU" serve --db "$1" --listen "127.0.0.1:$2" --threads 2 \
      --admin-password "$BENCH_PASSWORD" >>"$BENCH_ACCESS_LOG" 2>&1 & server=$!
  else
    "$KEHU" serve --db "$1" --listen "127.0.0.1:$2" --threads 2 --no-access-log \
      --admin-password "$BENCH_PASSWORD" >/dev/null 2>&1 & server=$!
  fi
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/api/v1/openapi.json" >/dev/null && break; sleep 0.1; done
  B="http://127.0.0.1:$2/api/v1"
  kehu_signin "http://127.0.0.1:$2" "$BENCH_PASSWORD"
}

kehu_signin() {
  local cookie csrf
  cookie=$(curl -s -c - -H 'Content-Type: application/json' -d "{\"username\":\"${3:-admin}\",\"password\":\"$2\"}" \
    "$1/api/v1/session" | awk '/kehu_session/ {print $7}')
  csrf=$(curl -s -b "kehu_session=$cookie" "$1/api/v1/session" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
  KEHU_TOKEN=$(curl -s -b "kehu_session=$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"label":"bench"}' "$1/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  export KEHU_TOKEN
  H="Authorization: Bearer $KEHU_TOKEN"
}
