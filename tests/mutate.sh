#!/usr/bin/env bash
# mutate.sh - do the tests fail when the product breaks? Plants one bug at a
# time (a real one-line mistake in the C code) into a scratch copy of the
# tree, rebuilds, runs the tests that should notice (the named API test files
# on SQLite, then the unit tests) and expects a failure. Prints a table of
# each mutant and the test that killed it; exits non-zero when a mutant
# survives or no longer applies (the code moved: update its edit).
#
#   bash tests/mutate.sh            all mutants
#   bash tests/mutate.sh NAME...    only these
#   MUTATE_ALL_API=1 bash tests/mutate.sh   every API test file for each mutant
#
# Slow (a rebuild and a test run per mutant, ~2 minutes each): not part of
# `make check`. The result of the last run is recorded in docs/testing.md.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# name % file % sed script (must change the file) % API test files % the bug
MUTANTS=(
  "export-hidden%src/entity/entity_export.c%s/^    select_plan_build(c, ent, &plan);/    entity_ctx all = *c; all.user = NULL; select_plan_build(\&all, ent, \&plan);/%acl%exports leak fields the profile hides"
  "claim-owned%src/entity/entity_write.c%s/if (expected_owner == 0) query_sql(&q, \" AND owner_id IS NULL\");/if (0) query_sql(\&q, \"\");/%pool%claim takes a customer that has an owner"
  "required-create%src/entity/entity_write.c%s/int missing = cs->present\[i\] ? cs->vals\[i\].kind == SV_NULL || blank_text(&cs->vals\[i\]) : creating;/int missing = cs->present[i] ? !creating \&\& (cs->vals[i].kind == SV_NULL || blank_text(\&cs->vals[i])) : creating;/%records import%a required field given empty on create is accepted"
  "required-fullwidth%src/entity/entity_write.c%/else if (strncmp(p, \"\\\\u3000\", 3) == 0) p += 3;/d%records import%a name of full-width spaces counts as filled in"
  "acl-visible%src/acl/acl.c%/^void acl_visible_predicate/,/^}/ s/if (sees_everything(u, ent, 0))/if (1)/%acl lifecycle%every user reads every record"
  "field-mask%src/entity/entity_read.c%/^void select_plan_build/,/^}/ s/if (acl_field_access(c->user, ent, f) == 0) continue;/(void)0;/%acl%hidden fields are shown in records and lists"
  "csrf%src/http/server.c%/^static int csrf_ok/,/^}/ s/if (!sent || !want) return 0;/if (!sent || !want) return 1;/%session%a cookie write without X-CSRF-Token is accepted"
  "version-409%src/entity/entity_write.c%0,/if (if_match && if_match != version) return conflict(e);/ s//if (0) return conflict(e);/%records%a stale version overwrites instead of 409"
  "recycle-bin%src/entity/entity_read.c%s/p->deleted ? \"t.deleted_at IS NOT NULL AND \" : \"t.deleted_at IS NULL AND \"/p->deleted ? \"t.deleted_at IS NOT NULL AND \" : \"\"/%records list%deleted records stay in lists"
  "unique%src/entity/entity_write.c%/^static int check_unique/,/^}/ s/query_sql(&q, \" AND id <> \");/query_sql(\&q, \" AND id = \");/%records import%the unique check finds no duplicate (the index answers instead)"
  "filter-gt%src/entity/filter.c%s/{\"gt\", \" > \"}/{\"gt\", \" >= \"}/%list%the filter operator gt means >="
  "pinyin-sort%src/entity/filter.c%s/f->sort_column ? f->sort_column : f->name/f->name/%list search%names sort by code point instead of pinyin"
  "history-old%src/entity/entity_write.c%/^static int write_history/,/^}/ s/db_bind_text(s, 5, old_v);/db_bind_text(s, 5, new_v);/%records pool%history records the new value as the old one"
  "over-invoice%src/modules/commerce.c%s/if (step != DB_ROW || invoiced <= ordered) return 0;/if (1) return 0;/%commerce%an order line is invoiced for more than was ordered"
  "over-allocate%src/modules/commerce.c%s/if (amount <= o.outstanding) return 0;/if (1) return 0;/%commerce%a receipt takes more than the order's outstanding amount"
  "lines-unlocked%src/entity/entity_state.c%s/int refused = st \&\& st->locked \&\& !editable_in(st, r->name);/int refused = 0; (void)st;/%commerce%an approved order's lines can still be changed"
  "rmb-zero%src/util/rmb.c%s/if (pending_zero) put(w, DIGIT\[0\]);/(void)pending_zero;/%commerce%大写 drops the 零 of 壹万零伍元"
  "get-writes%src/api/mail.c%s/    if (mail_link_info(req->db, req->a, req->params\[0\], &res->body, &e))/    mail_link_opened(req->db, req->params[0]); if (mail_link_info(req->db, req->a, req->params[0], \&res->body, \&e))/%readonly_get%opening an unsubscribe page (a GET) stamps the mail as opened"
  "mutf7-amp%src/util/mutf7.c%s/rc = run_close(&o, &r) || put(&o, (char)cp) || (cp == '&' \&\& put(&o, '-'));/rc = run_close(\\&o, \\&r) || put(\\&o, (char)cp);/%routes%an IMAP folder name's \"&\" is sent unescaped"
)

WORK=$(mktemp -d /tmp/kehu-mutate.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SCRATCH=$WORK/tree
mkdir -p "$SCRATCH"
# The tracked files as they are in the working tree (uncommitted edits too).
git ls-files -z | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$SCRATCH"
ln -s "$(readlink -f tests/node_modules)" "$SCRATCH/tests/node_modules"

echo "building the scratch copy in $SCRATCH ..."
if ! (cmake -S "$SCRATCH" -B "$SCRATCH/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEHU_WEB=OFF >/dev/null &&
      cmake --build "$SCRATCH/build" -j"$(nproc)" >"$WORK/build.log" 2>&1); then
  tail -30 "$WORK/build.log"; echo "the unmutated tree does not build"; exit 2
fi

# Runs the tests for one mutant; prints the first failing test, or nothing.
killer() { # api-files...
  local f files=()
  if [ "${MUTATE_ALL_API:-0}" = 1 ]; then files=(api/); else for f in "$@"; do files+=("api/$f.test.mjs"); done; fi
  if ! (cd "$SCRATCH/tests" && KEHU_BIN="$SCRATCH/build/kehu" KEHU_TEST_DB=sqlite KEHU_TEST_FILE_TIMEOUT=300 \
        timeout 900 node --test --test-concurrency=1 --test-reporter=spec "${files[@]}") >"$WORK/api.log" 2>&1; then
    local t
    t=$(sed -n 's/^ *✖ \(.*\) ([0-9.]*ms)$/\1/p' "$WORK/api.log" | head -1)
    echo "API: ${t:-$(grep -m1 '✖' "$WORK/api.log")}"
    return
  fi
  if ! (cd "$SCRATCH/build" && timeout 900 ctest --output-on-failure) >"$WORK/unit.log" 2>&1; then
    echo "unit: $(sed -n 's/.*Test *#[0-9]*: \([a-z_]*\) .*\*\*\*.*/\1/p' "$WORK/unit.log" | head -1)"
  fi
}

rows=()
survivors=0
for m in "${MUTANTS[@]}"; do
  IFS='%' read -r name file script tests what <<<"$m"
  [ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && continue
  cp "$SCRATCH/$file" "$WORK/orig"
  sed -i -e "$script" "$SCRATCH/$file"
  if cmp -s "$SCRATCH/$file" "$WORK/orig"; then
    rows+=("$name	DOES NOT APPLY	$file: edit it to match the code	$what"); survivors=$((survivors + 1))
    continue
  fi
  echo "mutant $name: $what"
  if ! cmake --build "$SCRATCH/build" -j"$(nproc)" >"$WORK/build.log" 2>&1; then
    rows+=("$name	DOES NOT BUILD	$(grep -m1 'error' "$WORK/build.log")	$what"); survivors=$((survivors + 1))
  else
    # shellcheck disable=SC2086 # the test list is words
    k=$(killer $tests)
    if [ -n "$k" ]; then rows+=("$name	killed	$k	$what")
    else rows+=("$name	SURVIVED	$tests + unit tests passed	$what"); survivors=$((survivors + 1)); fi
  fi
  cp "$WORK/orig" "$SCRATCH/$file"
  touch "$SCRATCH/$file"
done
cmake --build "$SCRATCH/build" >/dev/null 2>&1 # leave nothing mutated behind in the cache

printf '\n| mutant | result | killed by | the bug |\n| --- | --- | --- | --- |\n'
for r in "${rows[@]}"; do IFS=$'\t' read -r a b c d <<<"$r"; printf '| %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d"; done
echo
[ "$survivors" -eq 0 ] && echo "all mutants killed" || echo "$survivors mutant(s) survived or did not apply"
[ "$survivors" -eq 0 ]
