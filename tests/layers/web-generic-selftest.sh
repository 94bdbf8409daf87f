#!/usr/bin/env bash
# web-generic-selftest.sh - tools/web-generic.mjs on a small made-up tree: a
# generic view naming an entity fails with its line, a comment or a system
# entity does not count, a file a module registers is the module's, the
# allowlist lets a listed file through, an allowlist line no longer needed
# fails.
set -uo pipefail
CHECK="$(cd "$(dirname "$0")/../.." && pwd)/tools/web-generic.mjs"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() { # description expected-exit-code expected-output-pattern
  local out rc
  out=$(node "$CHECK" "$T" 2>&1); rc=$?
  if [ "$rc" -ne "$2" ] || ! grep -q -- "$3" <<<"$out"; then
    echo "FAIL: $1 (exit $rc)"; echo "$out"; fails=$((fails + 1))
  else
    echo "ok: $1"
  fi
}
mkdir -p "$T/metadata/entities" "$T/web/src/views" "$T/web/src/components/entity" "$T/web/src/modules/leads" "$T/tools"
echo '{"name": "leads"}' > "$T/metadata/entities/leads.json"
echo '{"name": "users", "system": true}' > "$T/metadata/entities/users.json"
printf "const e = entity.name;\n// a lead: 'leads' in a comment\nconst u = 'users';\n" > "$T/web/src/views/ListView.vue"
expect "generic views pass" 0 "no generic view names one"
printf "const a = 1;\nif (e === 'leads') go();\n" > "$T/web/src/components/entity/Actions.vue"
expect "a generic view naming an entity fails with its line" 1 'web/src/components/entity/Actions.vue:2: names the entity "leads"'
printf "get(\`/leads/\${id}\`);\n" > "$T/web/src/components/entity/Actions.vue"
expect "a path counts" 1 'Actions.vue:1: names the entity "leads"'
echo "web/src/components/entity/Actions.vue  reason" > "$T/tools/web-generic-allow.txt"
expect "an allowed file passes" 0 ""
rm "$T/web/src/components/entity/Actions.vue"
expect "an allowance no longer needed fails" 1 'no longer needed'
: > "$T/tools/web-generic-allow.txt"
printf "go('leads');\n" > "$T/web/src/views/BoardView.vue"
echo "export default k => k.route({ component: () => import('../../views/BoardView.vue') });" > "$T/web/src/modules/leads/index.js"
expect "a view a module registers is the module's" 0 ""
[ "$fails" -eq 0 ]
