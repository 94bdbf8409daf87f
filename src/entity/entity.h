/* entity.h - the records engine: create, read, update, soft delete and
 * restore, list with search/filter/sort/paging and exact totals, field-level
 * history, related lists. One implementation for every entity in metadata;
 * access control (src/acl) is applied to every statement it runs. Output is
 * JSON text appended to a strbuf. */
#ifndef KEHU_ENTITY_H
#define KEHU_ENTITY_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "../auth/session.h"
#include "../db/db.h"
#include "../util/arena.h"
#include "../util/err.h"
#include "../util/strbuf.h"
#include "../util/table.h"
#include "../meta/metadata.h"
#include "../meta/query.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 500
#define LIST_MAX_OFFSET 100000000
#define Q_MAX_BYTES 200

typedef struct entity_ctx {
    db_conn *db;
    arena *a;
    const metadata *m;
    const auth_user *user;
    const char *lang; /* "zh" or "en" */
    int trusted; /* a domain action of the server itself: may write read-only
                  * (not system) fields, e.g. a lead's conversion stamps */
    int as_line; /* writing an owned line through its parent (entity_lines.c):
                  * the parent's rights and version were checked, so the
                  * line's own are not, and its history goes on the parent */
    int as_text; /* reads give every value as people read it, in `lang` (money
                  * "12345.67" exactly, picklist labels; ids stay numbers): printing */
    int total_source; /* out of entity_list: how its total was had (TOTAL_* of
                       * total_cache.h; 0 when kept per owner or not counted) */
} entity_ctx;

typedef struct list_params {
    const char *q;      /* quick search text */
    const char *filter; /* filter JSON */
    const char *sort;   /* "f1,-f2" */
    int64_t limit, offset;
    int deleted;              /* 1: the recycle bin instead of live records */
    int pool;                 /* 1: the public pool (records without owner) instead */
    char initial;             /* 'a'..'z' or '#': pinyin initial of the name (A-Z bar); 0 none */
    const char *fields;       /* exports: comma-separated field names in column order; NULL all */
    const char *link_field;   /* related lists: only rows whose link_field = link_id */
    int64_t link_id;
    int lines;                /* exports: one row per owned line (header columns, then line columns) */
} list_params;

/* {"items":[...],"total":N} */
int entity_list(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out, err *e);
/* The record as a JSON object; 404 when missing or not visible. */
int entity_get(entity_ctx *c, const entity_def *ent, int64_t id, int deleted_ok, strbuf *out,
               err *e);
/* The same, with the version read in the same row (the record's ETag):
 * a detail read needs no second query for it. */
int entity_get_versioned(entity_ctx *c, const entity_def *ent, int64_t id, int deleted_ok, strbuf *out,
                         int64_t *version, int64_t *owner_id, err *e);
/* What the context's user may do with a record of ent they read (its
 * owner_id, 0 for the public pool): bits 1u << ACL_EDIT and 1u << ACL_DELETE
 * (acl.h), as entity_update and entity_delete decide (the ledger refusal,
 * the module right, and the write predicate on the row: acl_row_writable),
 * without a query. State rules (a confirmed document is not deleted) and
 * hooks may still refuse a write it allows. */
unsigned entity_allowed(entity_ctx *c, const entity_def *ent, int64_t owner_id);
/* Module or engine SQL that wrote rows of ent itself (not through
 * entity_create/update/...): the cached list totals of ent die now and,
 * once the transaction commits, in every other process too (docs/engine.md
 * "Several processes"). -1 only when out of memory. */
int entity_totals_changed(db_conn *db, const entity_def *ent, err *e);

/* How many records match filter_json (the list API's filter language; NULL
 * or "" for all) as the context's user sees them: live records only (not
 * the recycle bin), visibility and field access applied as in a list, so
 * module code asking about records never forgets either. The rows are
 * those the list would show: the public pool (公海), listed on its own,
 * is not counted. A user without the view right sees none. Served by the list's indexes; no cache, so a
 * count inside a transaction sees its own writes. */
int entity_count(entity_ctx *c, const entity_def *ent, const char *filter_json, int64_t *n, err *e);
/* 1 when at least one such record exists, 0 when none, -1 on error. */
int entity_exists(entity_ctx *c, const entity_def *ent, const char *filter_json, err *e);

/* entity_count for many users at once, in one query where it can: a class
 * matrix asks the same step of 200 students. users[i] gets the rows
 * entity_count would count for them (their company, their visibility, the
 * recycle bin and the public pool out, none without the view right, the
 * same 400 when the filter names a field hidden from them); with `own`,
 * only the records they own (a class's shared company: each student's own
 * work). The rows are grouped by user and, with `by` (a link or user field
 * of ent, or id: a row per record), by its value too; a group's `at` is the `at` field (a time) of
 * its nth record in (at, id) order, NULL with fewer records or no `at`.
 * One query serves every user who sees the whole of their company's ent
 * (administrators, 查看全部, public sharing) or, with `own`, every user;
 * anyone else is counted with a query of their own predicate. Groups with
 * no record are left out; *rows are in c->a. docs/engine.md "Counting". */
typedef struct count_row {
    int user;       /* index into users */
    int64_t value;  /* the `by` field's value (0: none, or no `by`) */
    int64_t count;
    const char *at; /* see above */
} count_row;
int entity_count_for(entity_ctx *c, const entity_def *ent, const char *filter_json, int own,
                     const auth_user *const *users, int nusers, const char *by, const char *at, int64_t nth,
                     count_row **rows, int *nrows, err *e);
/* The ids of the records the list p selects (visibility, q, filter;
 * sort, limit and offset ignored), in id order, at most max + 1 (so more
 * than max means "too many"); in c->a. None without the view right. */
int entity_list_ids(entity_ctx *c, const entity_def *ent, const list_params *p, int max, int64_t **ids, int *n,
                    err *e);

/* Every write below is one unit of work: its own transaction, or a level
 * of the caller's when one is open (db_begin nests), so a domain action
 * that writes several records wraps them in db_begin/db_commit and any
 * failure undoes them all. Each write registers the refresh of cached
 * totals and access rules to run after the outermost commit. */
int entity_create(entity_ctx *c, const entity_def *ent, json_t *body, int64_t *id_out, err *e);

/* Changes a record's owner (0 = no owner: the public pool) if, and only
 * if, its current owner is `expected_owner` (-1: any, 0: none). The check
 * and the change are one UPDATE, so of two concurrent claims on a pool
 * record exactly one succeeds; the other gets 409 owner_changed. Logged in
 * the history as action "owner". 404 when not visible. */
int entity_set_owner(entity_ctx *c, const entity_def *ent, int64_t id, int64_t new_owner,
                     int64_t expected_owner, err *e);

/* Module rules that run inside writes (before/after create, update,
 * delete, restore, owner change) are registered in hooks.h. */
/* if_match: expected version, 0 for none (last write wins). */
int entity_update(entity_ctx *c, const entity_def *ent, int64_t id, json_t *body, int64_t if_match,
                  err *e);
int entity_delete(entity_ctx *c, const entity_def *ent, int64_t id, int64_t if_match, err *e);
int entity_restore(entity_ctx *c, const entity_def *ent, int64_t id, err *e);
/* Adds a line to a record's history (inside the caller's transaction). */
int entity_log(entity_ctx *c, const entity_def *ent, int64_t id, const char *action, const char *field,
               const char *old_value, const char *new_value, err *e);

/* ---- ledgers (metadata "immutable": true) ----
 * Records of an immutable entity are created, never updated, deleted,
 * restored, merged or given another owner (each refused with 422
 * `immutable`). A correction is a reversing entry: a new record copying
 * the reversed one with the fields of metadata "reversal.negate" negated
 * and "reversal.link" pointing back; `overrides` (may be NULL) sets other
 * writable fields of it (a note, a date). 409 already_reversed the second
 * time, 422 not_reversible for a reversal itself. Needs the create right
 * and a visible live record. */
int entity_reverse(entity_ctx *c, const entity_def *ent, int64_t id, json_t *overrides, int64_t *id_out, err *e);
/* Makes the entity's balance tables again from its ledger rows, for rows
 * written beside the engine (kehu gen-data's bulk load). */
int entity_rebuild_balances(db_conn *c, const entity_def *ent, err *e);
/* A balance declared in metadata "balances": {"balance","items":[{group
 * fields (links with their name), sums, entries}],"total"}, ordered by
 * the group fields. values[i] (text, NULL for any) selects rows by the
 * i-th group_by field. Needs the view right; reads the balance table
 * only, never the ledger. 404 for an unknown name. */
int entity_balance(entity_ctx *c, const entity_def *ent, const char *name, const char *const *values, int64_t limit,
                   int64_t offset, strbuf *out, err *e);
const balance_def *entity_balance_def(const entity_def *ent, const char *name);

/* Merges the records source_ids into target_id (合并): every record of any
 * entity that links to a source is pointed at the target, the sources'
 * history moves to the target, fields empty on the target are filled from
 * the sources in order (`choose`: {field: source_id} picks a source's value
 * instead, may be NULL), the sources go to the recycle bin, and the target's
 * history records the merge. One transaction; the user must be able to
 * edit the target and delete the sources. 1..50 distinct sources. */
#define MERGE_MAX_SOURCES 50
/* At most this many lines per owned relation in one document (docs/engine.md,
 * "Owned lines"); more is 413 too_many_lines. */
#define LINES_MAX 1000
int entity_merge(entity_ctx *c, const entity_def *ent, int64_t target_id, const int64_t *source_ids,
                 int nsources, json_t *choose, int64_t if_match, err *e);
/* {"items":[{id, action, field, field_label, old_value, new_value, changed_by,
 * changed_by_name, changed_at}]} newest first. */
int entity_history(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e);

/* Global search: appends up to `limit` hits of this entity as
 * {"entity","entity_label","id","title"} objects (comma-separated, after
 * *count earlier ones) and adds them to *count. */
int entity_search_titles(entity_ctx *c, const entity_def *ent, const char *q, int limit,
                         strbuf *out, int *count, err *e);

/* Export of the list selected by p (filter, q, sort; limit/offset ignored)
 * as "csv" (UTF-8 with BOM, for Excel) or "xlsx", with the fields the user
 * may see, headed by their labels in c->lang; link fields export the
 * linked record's name. Cells that a spreadsheet would run as a formula
 * (= + - @ tab CR, also after spaces) are prefixed with '. At most
 * EXPORT_MAX_ROWS rows (422 too_many_rows beyond: narrow the filter). */
#define EXPORT_MAX_ROWS 200000
int entity_export(entity_ctx *c, const entity_def *ent, const list_params *p, const char *format,
                  strbuf *out, err *e);

/* The rows the list p would show, grouped by field `by` (picklist, link,
 * user, boolean, text, integer, date): {"entity","by","by_label","items":
 * [{value,label,count,sum?}],"total","sum"?}, largest groups first, at most
 * 200; `sum` (optional) names a money or number field to add up. */
int entity_group(entity_ctx *c, const entity_def *ent, const list_params *p, const char *by,
                 const char *sum, strbuf *out, err *e);

/* The list p as vCards 3.0 (text/vcard) for entities marked "vcard" in
 * metadata (contacts); 400 for others, 403 without the export right. */
int entity_export_vcard(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out, err *e);

/* ---- import ---- */

/* {"headers":[...],"mapping":{header: field},"rows":[first 20],"total":N,
 * "fields":[{name,label,required,unique}]}: headers matched to importable
 * fields by label or name (a CSV exported by Kehu maps back exactly). */
int entity_import_preview(entity_ctx *c, const entity_def *ent, const data_table *t, strbuf *out, err *e);

typedef enum import_duplicates { IMPORT_SKIP = 0, IMPORT_UPDATE, IMPORT_CREATE } import_duplicates;

typedef struct import_options {
    const char **fields; /* per column: the field it fills, or NULL to ignore the column */
    int ncols;
    import_duplicates duplicates; /* when `match` finds a record: skip it, update it, or create anyway */
    const field_def *match;       /* NULL: always create */
    int all_or_nothing;           /* any bad row: nothing is stored */
    /* Who owns created rows that name no owner: with set_owner, owner_id
     * (0: the public pool), else the importer. */
    int set_owner;
    int64_t owner_id;
} import_options;

#define IMPORT_MAX_ERRORS 1000
#define IMPORT_MAX_FAILED_ROWS 100000 /* rows kept for the file of failed rows */
/* A failed row: its spreadsheet row number and why, in the user's language. */
typedef struct import_failure {
    int row;
    char *message;
} import_failure;
/* Counters another thread may read while the import runs. */
typedef struct import_progress {
    atomic_long total, processed, created, updated, skipped, failed;
    pthread_mutex_t lock; /* guards errors, skipped_rows and failures */
    json_t *errors;       /* [{row, message, fields}], the first IMPORT_MAX_ERRORS */
    json_t *skipped_rows; /* [{row, value, id}]: duplicates left alone, the first IMPORT_MAX_ERRORS */
    import_failure *failures; /* every failed row, up to IMPORT_MAX_FAILED_ROWS */
    size_t nfailures, failures_cap;
} import_progress;

/* Imports the rows of t after its header row into `ent`, each as a create
 * or update through the engine; bad rows are reported in pr->errors by
 * spreadsheet row number. Returns -1 only when the import as a whole
 * cannot run (no right, bad mapping, database down). */
int entity_import(entity_ctx *c, const entity_def *ent, const data_table *t, const import_options *o,
                  import_progress *pr, err *e);
/* The failed rows of an upload as a file in the upload's own format (xlsx,
 * else CSV with BOM): t's header row and each failed row's cells, with
 * `note_header` as a last column holding why it failed. */
int entity_export_failed_rows(const data_table *t, const import_failure *rows, size_t n, const char *note_header,
                              strbuf *out, err *e);
/* The checks entity_import makes before the first row (right, mapping),
 * so a request can answer them at once. */
int entity_import_check(entity_ctx *c, const entity_def *ent, const import_options *o, err *e);

/* {"items":[{id,name}],"truncated":bool}: the active users of the company
 * whose records of ent the user may see by ownership
 * (acl_owner_users_predicate), by pinyin: the people a calendar or an
 * owner filter may offer; the first OWNERS_MAX, truncated saying there
 * were more. */
#define OWNERS_MAX 2000
int entity_visible_owners(entity_ctx *c, const entity_def *ent, strbuf *out, err *e);

/* Names similar to `name` among the records the user may see, for the
 * duplicate warning while typing: {"items":[{id,name,score,exact}],"total"},
 * best first, at most `limit`. Legal forms and cities are ignored. */
int entity_similar_names(entity_ctx *c, const entity_def *ent, const char *name, int limit,
                         strbuf *out, err *e);

/* The record of the company that already holds a unique value (another
 * than self_id): its id, 负责人 (id and name) or 公海, and whether the
 * user may see it; found 0 when none. For the 409 duplicate's message and
 * the similar-names hint (entity_similar.c). */
typedef struct unique_holder {
    int found, visible, pool;
    int64_t id, owner_id;
    char owner_name[128];
} unique_holder;
int entity_unique_holder(entity_ctx *c, const entity_def *ent, const field_def *f, sql_value v,
                         int64_t self_id, unique_holder *out, err *e);

/* SQLite only: appends the query plans of the list page ("page: ...") and
 * its count ("count: ..."), so tests can pin them (see DESIGN.md). */
int entity_list_plan(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out,
                     err *e);

/* Current version of a visible record (for ETag); 0 when not found. */
int64_t entity_version(entity_ctx *c, const entity_def *ent, int64_t id);

#endif
