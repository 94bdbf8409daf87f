#!/usr/bin/env bash
# check.sh - every test of Kehu, as `make check` runs it:
#   0. the layer check: no include runs up the layer order (tools/layers.sh)
#   1. release build; cmocka unit tests (CTest) on SQLite and PostgreSQL
#   2. API tests (node:test) against real servers on SQLite, then PostgreSQL
#   3. the unit and API tests again under ASan+UBSan
#   4. a short libFuzzer run of the filter parser
#   5. browser tests (Playwright + Debian's chromium) when the web app exists
# A PostgreSQL server is started on loopback for the run and stopped after.
# The last line sums up: "N passed, N failed".
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
passed=0
failed=0
failures=()

cleanup() {
  bash scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n==== %s ====\n' "$*"; }

# Adds a stage's counts; a stage that ran nothing it could count but
# failed counts as one failure.
record() { # name exit-code passed failed
  passed=$((passed + $3)); failed=$((failed + $4))
  if [ "$2" -ne 0 ] || [ "$4" -ne 0 ]; then
    failures+=("$1"); [ "$4" -eq 0 ] && failed=$((failed + 1))
  fi
}

run_ctest() { # name build-dir
  local log="$WORK/$1.log"
  (cd "$2" && ctest --output-on-failure -j"$JOBS") 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local total fails
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  fails=$(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)
  record "$1" "$rc" $(( ${total:-0} - ${fails:-0} )) "${fails:-0}"
}

run_node() { # name dir-with-tests [env...]
  local name=$1 dir=$2; shift 2
  local log="$WORK/$name.log"
  (cd tests && env "$@" node --test --test-concurrency=1 --test-reporter=spec "$dir") 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  record "$name" "$rc" "${p:-0}" "${f:-0}"
}

# Two tests: the check itself and its self-test on a made-up tree.
step "layers (tools/layers.sh)"
for t in tools/layers.sh tests/layers/selftest.sh; do
  if bash "$t"; then record "$t" 0 1 0; else record "$t" 1 0 1; fi
done

step "build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j"$JOBS" || {
  echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

step "PostgreSQL on 127.0.0.1:$PG_PORT"
PG_URL=$(bash scripts/pg.sh start "$PG_DIR" "$PG_PORT") || { echo "cannot start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
echo "$PG_URL"

step "unit tests (SQLite and PostgreSQL)"
KEHU_TEST_PG_URL=$PG_URL run_ctest unit build

step "API tests on SQLite"
run_node api-sqlite api/ KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=sqlite

step "API tests on PostgreSQL"
run_node api-postgres api/ KEHU_BIN="$ROOT/build/kehu" KEHU_TEST_DB=postgres KEHU_TEST_PG_URL="$PG_URL"

step "ASan+UBSan build: unit and API tests"
if cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKEHU_SANITIZE=ON -DKEHU_WEB=OFF >/dev/null &&
   cmake --build build-asan -j"$JOBS"; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  KEHU_TEST_PG_URL=$PG_URL run_ctest unit-asan build-asan
  run_node api-asan api/ KEHU_BIN="$ROOT/build-asan/kehu" KEHU_TEST_DB=sqlite
  unset ASAN_OPTIONS UBSAN_OPTIONS
else
  record asan-build 1 0 0
fi

# Each target starts from its seeds in tests/fuzz/corpus/<name>.
fuzz() { # target corpus seconds
  mkdir -p "$WORK/corpus-$2" && cp tests/fuzz/corpus/"$2"/* "$WORK/corpus-$2/" 2>/dev/null
  if ./build-fuzz/tests/fuzz/"$1" -max_total_time="$3" -print_final_stats=0 "$WORK/corpus-$2" > "$WORK/fuzz-$2.log" 2>&1; then
    tail -2 "$WORK/fuzz-$2.log"; record "fuzz-$2" 0 1 0
  else
    tail -40 "$WORK/fuzz-$2.log"; record "fuzz-$2" 1 0 1
  fi
}
step "fuzz: filter parser, uploads (multipart, CSV, xlsx) (libFuzzer, 45 s each)"
if CC=clang cmake -S . -B build-fuzz -DKEHU_FUZZ=ON -DKEHU_SANITIZE=ON -DKEHU_WEB=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
   cmake --build build-fuzz -j"$JOBS" --target filter_fuzz upload_fuzz >/dev/null; then
  fuzz filter_fuzz filter 45
  fuzz upload_fuzz upload 45
else
  record fuzz-build 1 0 0
fi

if [ -d tests/browser ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  step "browser tests (chromium)"
  run_node browser browser/ KEHU_BIN="$ROOT/build/kehu"
fi

step "summary"
[ ${#failures[@]} -gt 0 ] && echo "failed stages: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
