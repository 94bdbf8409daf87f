#!/usr/bin/env bash
# pg.sh - a throwaway PostgreSQL cluster for tests, so the PostgreSQL backend
# is tested without touching (or needing) the machine's own server. Uses the
# server binaries of Debian's postgresql package; the cluster listens only on
# 127.0.0.1 with trust auth and fsync off, which is fine for test data only.
#
#   scripts/pg.sh start DIR PORT     initdb if needed, start; prints the URL
#   scripts/pg.sh stop DIR           fast shutdown (no-op if not running)
#   scripts/pg.sh createdb PORT NAME create a database unless it exists; prints its URL
#
# Every command is idempotent. Run as root it runs the server as `postgres`,
# because PostgreSQL refuses to run as root. Only URLs go to stdout.
set -euo pipefail

die() {
  echo "pg.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | createdb PORT NAME" >&2
  exit 2
}

# The newest installed server version, whatever Debian ships.
pg_bin() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && best=$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)
  done
  [ -n "$best" ] || die "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"
  echo "$best"
}

is_root() {
  [ "$(id -u)" -eq 0 ]
}

# Runs a command as the cluster's owner: postgres when we are root.
as_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

check_port() {
  if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
    die "bad port: $1"
  fi
}

# DIR as an absolute path, created and owned by whoever runs the server.
prepare_dir() {
  mkdir -p "$1"
  local dir
  dir=$(cd "$1" && pwd)
  if is_root; then
    id postgres >/dev/null 2>&1 || die "user postgres missing (apt-get install postgresql)"
    chown postgres: "$dir"
  fi
  as_owner test -w "$dir" || die "$dir is not writable by the server's user (try a dir under /tmp)"
  echo "$dir"
}

choose_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    echo "--locale=C.UTF-8"
  else
    echo "--no-locale"
  fi
}

init_cluster() {
  local bin=$1 dir=$2
  [ -f "$dir/data/PG_VERSION" ] && return 0
  # Quiet on success: initdb's closing advice does not apply here.
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 "$(choose_locale)" \
    --auth-local=trust --auth-host=trust --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir/data"
  fi
  # Settings that never change; the port is given at each start.
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# scripts/pg.sh: a test cluster, durability traded for speed.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
}

running_port() {
  local pidfile=$1/data/postmaster.pid
  [ -f "$pidfile" ] && sed -n 4p "$pidfile"
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local port=$2 bin dir
  check_port "$port"
  bin=$(pg_bin)
  dir=$(prepare_dir "$1")
  init_cluster "$bin" "$dir"
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    local cur
    cur=$(running_port "$dir")
    [ "$cur" = "$port" ] || die "already running in $dir on port $cur; stop it first"
  elif ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port" start >&2; then
    tail -n 20 "$dir/postgres.log" >&2 || true
    die "could not start PostgreSQL on port $port"
  fi
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local bin dir=$1
  [ -f "$dir/data/PG_VERSION" ] || return 0
  bin=$(pg_bin)
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
  fi
}

db_exists() {
  local bin=$1 port=$2 name=$3
  # Fed through stdin so psql quotes the name (:'name') itself.
  echo "SELECT 1 FROM pg_database WHERE datname = :'name'" |
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v name="$name" -qtA -X |
    grep -q 1
}

cmd_createdb() {
  [ $# -eq 2 ] || usage
  local port=$1 name=$2 bin
  check_port "$port"
  bin=$(pg_bin)
  if ! db_exists "$bin" "$port" "$name"; then
    # A concurrent caller may win the race; that is still success.
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name" ||
      db_exists "$bin" "$port" "$name" || die "could not create database $name"
  fi
  echo "postgresql://postgres@127.0.0.1:$port/$name"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
createdb) cmd_createdb "$@" ;;
*) usage ;;
esac
