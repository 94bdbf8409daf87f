#!/usr/bin/env bash
# install-deps.sh - installs what Kehu needs to build, run and test, from
# Debian's packages and the npm registry. Idempotent: packages already there
# are not fetched again, so `make run` and `make check` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build and run time.
pkgs=(build-essential cmake pkg-config
      libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libicu-dev
      libxlsxwriter-dev libzip-dev libexpat1-dev libcurl4-openssl-dev
      libcairo2-dev libpango1.0-dev fonts-noto-cjk fonts-dejavu-core)
# Tests: unit tests, PostgreSQL server, API/browser tests, fuzzing, sanitizers,
# nginx in front of three nodes (the cluster stage), sqlite3 to age a database,
# python3-aiosmtpd (the SMTP server the mail tests send to), dovecot-imapd
# (the IMAP server the inbound mail tests read from, run as a plain user).
if [ "${1:-}" = "--test" ]; then
  pkgs+=(libcmocka-dev postgresql clang libclang-rt-14-dev chromium wrk poppler-utils nginx-light sqlite3 python3-aiosmtpd dovecot-imapd)
fi
# Node.js may come from elsewhere with npm inside it (Debian's npm package
# then conflicts): ask for the commands, not the package names.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Installing a server package (nginx, postgresql) must not start its
  # system service: the tests run their own on loopback. Debian asks
  # policy-rc.d; one that says 101 forbids the start (only ours, removed after).
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy"
  fi
  rc=0
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -n "$policy" ] && $SUDO rm -f "$policy"
  [ "$rc" -eq 0 ] || exit "$rc"
fi

# Node packages of the tests and the web app, only when their lock changed.
# A node_modules that is a symbolic link is another checkout's (a git
# worktree sharing it): npm ci would empty the directory it points at.
for dir in tests web; do
  [ -L "$dir/node_modules" ] && continue
  if [ -f "$dir/package-lock.json" ] && { [ ! -d "$dir/node_modules" ] ||
       [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    echo "install-deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
