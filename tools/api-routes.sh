#!/usr/bin/env bash
# api-routes.sh - rewrites the route list of docs/api.md (between the
# "<!-- routes:" and "<!-- /routes -->" lines) from the route declarations:
#   tools/api-routes.sh [path/to/kehu]      (default build/kehu)
# tests/api/routes.test.mjs fails while the list is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
KEHU=${1:-build/kehu}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$KEHU" routes --markdown > "$list"
awk -v list="$list" '
  /^<!-- routes:/ { while ((getline line < list) > 0) print line; skip = 1; next }
  /^<!-- \/routes -->/ { skip = 0; next }
  !skip { print }
' docs/api.md > docs/api.md.new
mv docs/api.md.new docs/api.md
