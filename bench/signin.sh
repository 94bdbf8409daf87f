# signin.sh - sourced by the bench scripts: kehu_signin BASE PASSWORD signs
# in as admin on the server at BASE (http://host:port) and exports
# KEHU_TOKEN, a Bearer token for wrk and curl.
kehu_signin() {
  local cookie csrf
  cookie=$(curl -s -c - -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$2\"}" \
    "$1/api/v1/session" | awk '/kehu_session/ {print $7}')
  csrf=$(curl -s -b "kehu_session=$cookie" "$1/api/v1/session" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
  KEHU_TOKEN=$(curl -s -b "kehu_session=$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"label":"bench"}' "$1/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  export KEHU_TOKEN
}
