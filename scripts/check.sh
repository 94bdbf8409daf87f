#!/usr/bin/env bash
# check.sh - every test of Kehu, as `make check` runs it:
#   0. the layer checks: no include runs up the layer order (tools/layers.sh),
#      no generic web view names an entity (tools/web-generic.mjs)
#   1. release build; cmocka unit tests (CTest) on SQLite and PostgreSQL
#   2. API tests (node:test) against real servers on SQLite, then PostgreSQL,
#      then through nginx in front of three nodes on PostgreSQL
#   3. the unit and API tests again under ASan+UBSan (a second lane, beside 1-2)
#   4. a short libFuzzer run of the filter parser and the upload readers
#   5. browser tests (Playwright + Debian's chromium) when the web app exists,
#      the class and commerce flows among them on PostgreSQL too
# A PostgreSQL server is started on loopback for the run and stopped after.
#
# Every stage runs under a time limit (coreutils timeout): a hung stage fails
# with a message instead of running into CI's limit. Each stage writes a log
# that is printed whole when the stage ends, so parallel stages stay readable.
#
# The last line sums up test cases: "N passed, N failed". A cmocka case, a
# node test and a fuzz run count one each. A skipped, cancelled or todo test
# is a failure unless DECLARED_SKIPS below names it with a reason; a stage
# that ran no test, or ended badly without a failed case, is one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc)
WORK=$(mktemp -d /tmp/kehu-check.XXXXXX)
chmod 755 "$WORK" # the PostgreSQL server runs as its own user and must reach $WORK/pg
PG_DIR="$WORK/pg"
PG_PORT=${KEHU_PG_PORT:-55432}
# A port already taken (another cluster, an earlier run) moves us to the next.
while (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done

# Skips that are allowed, one per line: "<regex on the test name>|<reason>".
# Nothing is skipped on purpose today; a new entry needs a reason people accept.
DECLARED_SKIPS=(
)

# Time limits per stage, in seconds (KEHU_CHECK_TIMEOUT_SCALE multiplies them
# on a slow machine).
SCALE=${KEHU_CHECK_TIMEOUT_SCALE:-1}
limit() { echo $(($1 * SCALE)); }

cleanup() {
  bash scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Prints a block of output whole, never interleaved with another stage's.
say() { flock "$WORK/print.lock" cat; }

# A stage's result is a file "<passed> <failed>" in $WORK/results/<name>.
mkdir -p "$WORK/results"
result() { # name passed failed [why]
  echo "$2 $3" > "$WORK/results/$1"
  local state=ok; [ "$3" -ne 0 ] && state="FAILED${4:+ ($4)}"
  printf '==== %s: %s passed, %s failed - %s ====\n' "$1" "$2" "$3" "$state"
}

# Runs a command under a time limit into the stage's log; answers its exit
# code (124 when the limit ended it).
run_limited() { # name seconds command...
  local name=$1 secs=$2; shift 2
  timeout -k 30 "$secs" "$@" > "$WORK/$name.log" 2>&1
  local rc=$?
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "stage $name stopped after its time limit of $secs s" >> "$WORK/$name.log"
  return "$rc"
}

declared_skip() { # test-name: 0 when DECLARED_SKIPS allows it
  local entry
  for entry in "${DECLARED_SKIPS[@]}"; do
    [[ $1 =~ ${entry%%|*} ]] && return 0
  done
  return 1
}

# Counts the stage's cases from its log with the counter of its kind (which
# prints "<passed> <failed>"), prints the log whole and records the result.
finish() { # name rc counter
  local name=$1 rc=$2 counter=$3 p f why=""
  read -r p f < <("$counter" "$WORK/$name.log")
  [ "$counter" = count_one ] && [ "$rc" -ne 0 ] && { p=0; f=1; why="exit code $rc"; }
  if [ $((p + f)) -eq 0 ]; then f=1; why="no test ran"; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; why="exit code $rc"; fi
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="time limit"
  { cat "$WORK/$name.log"; result "$name" "$p" "$f" "$why"; } | say
}

# cmocka's own summary of each group (CTest -V prints every program's output,
# prefixed "N: "): Running N / PASSED N / FAILED N / SKIPPED N. Cases a crash
# never reported are failures; a skipped case is one unless declared.
count_cmocka() {
  local log=$1 p f running skipped_ok=0 skipped_bad=0 name
  sum() { sed -n "s/^[0-9]*: $1.*/\1/p" "$log" | awk '{ s += $1 } END { print s + 0 }'; }
  p=$(sum '\[  PASSED  \] \([0-9]*\) test(s)\.')
  f=$(sum '\[  FAILED  \] \([0-9]*\) test(s), listed below:')
  running=$(sum '\[==========\] Running \([0-9]*\) test(s)\.')
  # each skipped case is named twice (when run, and in the list): count the
  # runs, per program (CTest prefixes each program's lines with its number)
  while read -r name; do
    if declared_skip "$name"; then skipped_ok=$((skipped_ok + 1)); else skipped_bad=$((skipped_bad + 1)); fi
  done < <(awk '{ k = $1 } /\[==========\] Running/ { run[k] = 1 } /\[==========\] [0-9]+ test\(s\) run/ { run[k] = 0 }
                run[k] && /\[  SKIPPED \] / { sub(/.*\[  SKIPPED \] /, ""); print }' "$log")
  local lost=$((running - p - f - skipped_ok - skipped_bad))
  [ "$lost" -gt 0 ] && f=$((f + lost))
  grep -q 'No tests were found' "$log" && f=$((f + 1))
  echo "$p $((f + skipped_bad))"
}

# node:test's spec summary: a cancelled or todo test, and a skipped one not
# declared, are failures.
count_node() {
  local log=$1 ok=0 name
  n() { sed -n "s/^ℹ $1 \([0-9]*\)\$/\1/p" "$log" | tail -1 | awk '{ print $1 + 0 } END { if (NR == 0) print 0 }' | head -1; }
  while read -r name; do declared_skip "$name" && ok=$((ok + 1)); done < <(sed -n 's/^ *﹣ \(.*\) ([0-9.]*ms) # .*/\1/p' "$log")
  echo "$(n pass) $(($(n fail) + $(n cancelled) + $(n todo) + $(n skipped) - ok))"
}

count_one() { echo "1 0"; } # a stage that is one check (fuzz run, layers): finish counts a bad exit as its failure

ctest_stage() { # name build-dir
  run_limited "$1" "$(limit 900)" bash -c "cd '$2' && ctest -V -j$JOBS --timeout 300"
  finish "$1" $? count_cmocka
}

node_stage() { # name seconds dir-with-tests [env...]
  local name=$1 secs=$2 dir=$3; shift 3
  run_limited "$name" "$secs" env "$@" bash -c "cd tests && node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec $dir"
  finish "$name" $? count_node
}

build_stage() { # name build-dir cmake-options... ($TARGETS: only these)
  local name=$1 dir=$2; shift 2
  local targets=${TARGETS:+--target $TARGETS}
  if run_limited "$name" "$(limit 1800)" bash -c "cmake -S . -B '$dir' $* >/dev/null && cmake --build '$dir' -j$JOBS $targets"; then
    { tail -3 "$WORK/$name.log"; echo "==== $name: built ===="; } | say; return 0
  fi
  { cat "$WORK/$name.log"; result "$name" 0 1 "build failed"; } | say; return 1
}

# Each target starts from its seeds in tests/fuzz/corpus/<name>.
fuzz() { # target corpus seconds
  mkdir -p "$WORK/corpus-$2" && cp tests/fuzz/corpus/"$2"/* "$WORK/corpus-$2/" 2>/dev/null
  run_limited "fuzz-$2" "$(limit $(($3 + 120)))" ./build-fuzz/tests/fuzz/"$1" -max_total_time="$3" -print_final_stats=0 "$WORK/corpus-$2"
  local rc=$?
  [ "$rc" -eq 0 ] && { tail -2 "$WORK/fuzz-$2.log" > "$WORK/fuzz-$2.tail"; mv "$WORK/fuzz-$2.tail" "$WORK/fuzz-$2.log"; }
  finish "fuzz-$2" "$rc" count_one
}

# Each check with its self-test on a made-up tree: the C layers, and the
# generic web views that must name no entity (tools/web-generic.mjs).
for t in tools/layers.sh tests/layers/selftest.sh tools/web-generic.mjs tests/layers/web-generic-selftest.sh; do
  name=layers-$(basename "${t%.*}")
  run=bash; [ "${t##*.}" = mjs ] && run=node
  run_limited "$name" "$(limit 300)" "$run" "$t"
  finish "$name" $? count_one
done

echo "==== build ===="
build_stage build build -DCMAKE_BUILD_TYPE=RelWithDebInfo || { echo "0 passed, 1 failed"; exit 1; }

echo "==== PostgreSQL on 127.0.0.1:$PG_PORT ===="
PG_URL=$(bash scripts/pg.sh start "$PG_DIR" "$PG_PORT" 2>/dev/null) || { echo "cannot start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
echo "$PG_URL"
# One migrated database the PostgreSQL API stages copy for each server
# (tests/api/harness.mjs newDatabase): a start then skips its migrations.
PG_TEMPLATE=kehu_template
psql "$PG_URL" -qAt -c "CREATE DATABASE $PG_TEMPLATE" && ./build/kehu migrate --db "${PG_URL%/*}/$PG_TEMPLATE" >/dev/null 2>&1 ||
  { echo "cannot make the template database"; echo "0 passed, 1 failed"; exit 1; }

# The API suite again through nginx in front of three nodes on PostgreSQL
# (docs/deploy.md): every request may reach another node. Left out: the
# files about one server process itself, its HTTP defences and its log,
# which nginx stands in front of and answers itself (hostile, badinput, sweep,
# connections, bombs, proxy, lifecycle), and nodes, which starts its own
# three.
cluster() {
  cluster_files=$(cd tests && ls api/*.test.mjs | grep -v -E '/(hostile|badinput|sweep|connections|bombs|proxy|nodes|lifecycle)\.test\.mjs$' | tr '\n' ' ')
  node_stage api-cluster "$(limit 2400)" "$cluster_files" KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=postgres \
    KEHU_TEST_PG_URL="$PG_URL" KEHU_TEST_PG_TEMPLATE=$PG_TEMPLATE KEHU_TEST_NODES=3
}

# Two lanes, one per core, then the browser tests:
#   A: unit, API on SQLite, API on PostgreSQL, the three-node stage;
#   B: the sanitizer and fuzz builds, unit and API tests under ASan, the
#      fuzz runs, the class and commerce flows in the browser on PostgreSQL;
#   then the browser tests, in two processes of their own, which click
#   against timeouts: beside a compile or the three nodes they timed out
#   (calendar drags, pickers), beside each other they do not.
# The builds of lane B are mostly compiling while lane A mostly waits on
# servers, so the two share the machine well. (Measured 2026-12-03: lane A
# with the three nodes about 15 minutes, lane B about 10.)
sanitized() {
  build_stage asan-build build-asan -DCMAKE_BUILD_TYPE=Debug -DKEHU_SANITIZE=ON -DKEHU_WEB=OFF || return
  CC=clang TARGETS="filter_fuzz upload_fuzz" build_stage fuzz-build build-fuzz -DKEHU_FUZZ=ON -DKEHU_SANITIZE=ON \
    -DKEHU_WEB=OFF -DCMAKE_BUILD_TYPE=Debug && FUZZ_BUILT=1
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp # a leak inside Debian's cairo, not ours
  KEHU_TEST_PG_URL=$PG_URL ctest_stage unit-asan build-asan
  node_stage api-asan "$(limit 2400)" api/ KEHU_BIN="$ROOT/build-asan/kehu" KEHU_TEST_DB=sqlite KEHU_TEST_FILE_TIMEOUT=900
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
}

FUZZ_BUILT=0
fuzzing() {
  echo "==== fuzz: filter parser, uploads (multipart, CSV, xlsx) (libFuzzer, 45 s each) ====" | say
  [ "$FUZZ_BUILT" = 1 ] || return
  fuzz filter_fuzz filter 45
  fuzz upload_fuzz upload 45
}

# The flows the issues ask for on both backends, in the browser on
# PostgreSQL too: a class's labs (teaching*), the commerce and approval
# walks, the service lab. At the end of lane B, while lane A still runs
# the three nodes: they are form flows, not the drags and pickers that
# timed out beside them.
browser_postgres() {
  [ -d tests/browser ] || return
  local files
  files=$(cd tests && ls browser/teaching*.test.mjs browser/*walk.test.mjs browser/service_lab.test.mjs 2>/dev/null | tr '\n' ' ')
  [ -n "$files" ] || return
  node_stage browser-postgres "$(limit 1200)" "$files" KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=postgres \
    KEHU_TEST_PG_URL="$PG_URL" KEHU_TEST_PG_TEMPLATE=$PG_TEMPLATE
}

lane_b() {
  sanitized
  fuzzing
  browser_postgres
}
lane_b &
LANE_B=$!

KEHU_TEST_PG_URL=$PG_URL ctest_stage unit build
node_stage api-sqlite "$(limit 1500)" api/ KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=sqlite
node_stage api-postgres "$(limit 2400)" api/ KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=postgres KEHU_TEST_PG_URL="$PG_URL" \
  KEHU_TEST_PG_TEMPLATE=$PG_TEMPLATE
cluster # the release binary
wait "$LANE_B"
# The browser files in two halves (every other file by name), each its own
# node process; each file starts its own server on a free port.
if [ -d tests/browser ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  half() { (cd tests && ls browser/*.test.mjs | awk -v k="$1" 'NR % 2 == k' | tr '\n' ' '); }
  node_stage browser-1 "$(limit 1500)" "$(half 1)" KEHU_BIN="$ROOT/build/kehu" &
  BROWSER_1=$!
  node_stage browser-2 "$(limit 1500)" "$(half 0)" KEHU_BIN="$ROOT/build/kehu"
  wait "$BROWSER_1"
fi

echo "==== summary ===="
passed=0; failed=0; bad=()
for f in "$WORK"/results/*; do
  read -r p n < "$f"
  passed=$((passed + p)); failed=$((failed + n))
  [ "$n" -ne 0 ] && bad+=("$(basename "$f")")
done
# CI shows only the end of this output: name what failed here, briefly.
for name in "${bad[@]}"; do
  echo "-- $name: what failed"
  grep -E '^ *✖ |^[0-9]*: \[  FAILED  \] [a-z_]|stopped after its time limit|^ *(error|Error|AssertionError)' "$WORK/$name.log" \
    | awk '!seen[$0]++' | head -20
done
[ ${#bad[@]} -gt 0 ] && echo "failed stages: ${bad[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
