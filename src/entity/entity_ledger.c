/* entity_ledger.c - append-only ledgers (metadata "immutable"): refusals,
 * reversing entries and balances. A balance is a small table with one row
 * per value of its group_by fields, holding exact integer sums (the scaled
 * integers of money and decimals) and the number of entries; every insert
 * into the ledger upserts it in the same transaction, so a balance read is
 * an index lookup however long the ledger grows, and the sums agree with
 * the ledger at every commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "entity_schema.h"
#include "ledger.h"
#include "value.h"

int ledger_refuse(const entity_def *ent, err *e)
{
    return err_setf(e, 422, "immutable", "「%s」是只增不改的账本：记录不能修改、删除或合并，更正请做冲销%.0s",
                    "%.0s%s is an append-only ledger: records cannot be changed, deleted or merged; reverse one to "
                    "correct it",
                    ent->label_zh, ent->label_en);
}

/* ---- schema ---- */

static int table_exists(db_conn *c, const char *table, err *e)
{
    int64_t n = 0;
    const char *params[] = {table};
    const char *sql = db_dialect_of(c) == DB_POSTGRES
                          ? "SELECT CASE WHEN to_regclass(?) IS NULL THEN 0 ELSE 1 END"
                          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
    return db_query_int64(c, sql, &n, e, 1, params) < 0 ? -1 : n > 0;
}

/* A balance row is one company's: company_id is the first key of every
 * balance table, so a company's balances are one index range and two
 * companies' customers never add up. */
static void column_list(strbuf *sql, const balance_def *b)
{
    sb_append(sql, "company_id");
    for (int i = 0; i < b->ngroup_by; i++) sb_printf(sql, ", %s", b->group_by[i]);
    for (int i = 0; i < b->nsum; i++) sb_printf(sql, ", %s", b->sum[i]);
    sb_append(sql, ", entries");
}

static int keyed_by_company(db_conn *c, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT company_id FROM %s LIMIT 1", table);
    err ignore;
    err_clear(&ignore);
    db_stmt *s = db_prepare(c, sql, &ignore);
    if (s) db_finalize(s);
    return s != NULL;
}

/* A new balance of an existing ledger starts from the rows already there. */
static int create_balance(db_conn *c, const entity_def *ent, const balance_def *b, err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "CREATE TABLE %s (company_id BIGINT NOT NULL, ", b->table);
    for (int i = 0; i < b->ngroup_by; i++)
        sb_printf(&sql, "%s %s NOT NULL, ", b->group_by[i], entity_column_type(meta_field(ent, b->group_by[i]), db_dialect_of(c)));
    for (int i = 0; i < b->nsum; i++) sb_printf(&sql, "%s BIGINT NOT NULL DEFAULT 0, ", b->sum[i]);
    sb_append(&sql, "entries BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (company_id");
    for (int i = 0; i < b->ngroup_by; i++) sb_printf(&sql, ", %s", b->group_by[i]);
    sb_append(&sql, "))");
    int rc = db_exec(c, sb_str(&sql), e);
    sb_clear(&sql);
    sb_printf(&sql, "INSERT INTO %s (", b->table);
    column_list(&sql, b);
    sb_append(&sql, ") SELECT company_id");
    for (int i = 0; i < b->ngroup_by; i++) sb_printf(&sql, ", %s", b->group_by[i]);
    for (int i = 0; i < b->nsum; i++) sb_printf(&sql, ", COALESCE(SUM(%s), 0)", b->sum[i]);
    sb_printf(&sql, ", COUNT(*) FROM %s WHERE deleted_at IS NULL GROUP BY company_id", ent->table);
    for (int i = 0; i < b->ngroup_by; i++) sb_printf(&sql, ", %s", b->group_by[i]);
    if (!rc) rc = db_exec(c, sb_str(&sql), e);
    sb_free(&sql);
    return rc;
}

int entity_rebuild_balances(db_conn *c, const entity_def *ent, err *e)
{
    for (int k = 0; k < ent->nbalances; k++) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", ent->balances[k].table);
        if (db_exec(c, sql, e)) return -1;
    }
    return ledger_schema(c, ent, e);
}

int ledger_schema(db_conn *c, const entity_def *ent, err *e)
{
    for (int k = 0; k < ent->nbalances; k++) {
        const balance_def *b = &ent->balances[k];
        int exists = table_exists(c, b->table, e);
        if (exists < 0) return -1;
        /* a balance table from before companies is made again from its ledger */
        if (exists && !keyed_by_company(c, b->table)) {
            char sql[160];
            snprintf(sql, sizeof sql, "DROP TABLE %s", b->table);
            if (db_exec(c, sql, e)) return -1;
            exists = 0;
        }
        if (!exists && create_balance(c, ent, b, e)) return -1;
    }
    return 0;
}

/* ---- keeping balances ---- */

static const sql_value *value_of(const entity_def *ent, const sql_value *vals, const char *field)
{
    return &vals[meta_field_index(ent, field)];
}

/* The statement reading the sums of the entry's group (its row of the
 * balance table), prepared with its values bound; NULL with e. */
static db_stmt *group_sums(entity_ctx *c, const entity_def *ent, const balance_def *b, const sql_value *vals, query *q,
                           err *e)
{
    query_init(q, c->a);
    query_sql(q, "SELECT ");
    for (int i = 0; i < b->nsum; i++) query_sqlf(q, "%s%s", i ? ", " : "", b->sum[i]);
    query_sqlf(q, " FROM %s WHERE company_id = ", b->table);
    query_bind_int(q, c->user->company_id);
    for (int i = 0; i < b->ngroup_by; i++) {
        query_sqlf(q, " AND %s = ", b->group_by[i]);
        query_bind_value(q, *value_of(ent, vals, b->group_by[i]));
    }
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    return s;
}

/* The sums stored now for this group, to refuse an overflow before it
 * happens (SQLite would turn the sum into a float, PostgreSQL fail). */
static int check_room(entity_ctx *c, const entity_def *ent, const balance_def *b, const sql_value *vals, err *e)
{
    query q;
    db_stmt *s = group_sums(c, ent, b, vals, &q, e);
    int rc = -1;
    if (s) {
        int step = db_step(s);
        rc = step < 0 ? err_set(e, 500, "db_error", "读取余额失败", "Cannot read the balance") : 0;
        for (int i = 0; step == DB_ROW && i < b->nsum && !rc; i++) {
            const sql_value *v = value_of(ent, vals, b->sum[i]);
            int64_t sum;
            if (v->kind == SV_INT && __builtin_add_overflow(db_column_int64(s, i), v->i, &sum)) {
                const field_def *f = meta_field(ent, b->sum[i]);
                err_add_field(e, f->name, "out_of_range");
                rc = err_setf(e, 422, "validation_failed", "「%s」的余额将超出可记录的范围%.0s",
                              "%.0sThe balance of %s would go out of range", f->label_zh, f->label_en);
            }
        }
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

static int upsert(entity_ctx *c, const entity_def *ent, const balance_def *b, const sql_value *vals, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "INSERT INTO %s (", b->table);
    column_list(&q.sql, b);
    query_sql(&q, ") VALUES (");
    query_bind_int(&q, c->user->company_id); /* the entry was just written in the user's company */
    for (int i = 0; i < b->ngroup_by; i++) {
        query_sql(&q, ", ");
        query_bind_value(&q, *value_of(ent, vals, b->group_by[i]));
    }
    for (int i = 0; i < b->nsum; i++) {
        const sql_value *v = value_of(ent, vals, b->sum[i]);
        query_sql(&q, ", ");
        query_bind_int(&q, v->kind == SV_INT ? v->i : 0);
    }
    query_sql(&q, ", 1) ON CONFLICT (company_id");
    for (int i = 0; i < b->ngroup_by; i++) query_sqlf(&q, ", %s", b->group_by[i]);
    query_sql(&q, ") DO UPDATE SET ");
    for (int i = 0; i < b->nsum; i++) query_sqlf(&q, "%s = %s.%s + excluded.%s, ", b->sum[i], b->table, b->sum[i], b->sum[i]);
    query_sqlf(&q, "entries = %s.entries + 1", b->table);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(&q, s);
        int step = db_step(s);
        rc = step == DB_ERR_BUSY ? err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The database is busy; please retry")
             : step < 0         ? err_set(e, 500, "db_error", "更新余额失败", "Cannot update the balance")
                                : 0;
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

/* Whether the company has turned on the setting that lets a not_negative
 * balance go below zero (company_settings value "true"). */
static int negative_allowed(entity_ctx *c, const balance_def *b, err *e)
{
    if (!b->negative_setting) return 0;
    db_stmt *s = db_prepare(c->db, "SELECT value FROM company_settings WHERE company_id = ? AND key = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, b->negative_setting);
    int step = db_step(s);
    int on = step == DB_ROW && !db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), "true") == 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取公司设置失败", "Cannot read the company settings") : on;
}

/* A not_negative balance after the upsert: an entry that lowers a sum may
 * not leave it below zero. Read after the upsert, which holds the balance
 * row until the commit (PostgreSQL) or runs alone (SQLite's immediate
 * transactions), so of two entries racing for the last unit the second
 * sees the first's result and is refused. An entry that raises a sum is
 * never refused, even into a negative balance. */
static int stays_non_negative(entity_ctx *c, const entity_def *ent, const balance_def *b, const sql_value *vals, err *e)
{
    int lowers = 0;
    for (int i = 0; i < b->nsum; i++) {
        const sql_value *v = value_of(ent, vals, b->sum[i]);
        if (v->kind == SV_INT && v->i < 0) lowers = 1;
    }
    if (!lowers) return 0;
    int allowed = negative_allowed(c, b, e);
    if (allowed) return allowed < 0 ? -1 : 0;
    query q;
    db_stmt *s = group_sums(c, ent, b, vals, &q, e);
    int rc = -1;
    if (s) {
        int step = db_step(s);
        rc = step < 0 ? err_set(e, 500, "db_error", "读取余额失败", "Cannot read the balance") : 0;
        for (int i = 0; step == DB_ROW && i < b->nsum && !rc; i++) {
            int64_t now = db_column_int64(s, i);
            if (now >= 0) continue;
            const field_def *f = meta_field(ent, b->sum[i]);
            strbuf was = STRBUF_INIT;
            decimal_format(now - value_of(ent, vals, b->sum[i])->i, field_is_scaled(f) ? f->scale : 0, &was);
            err_add_field(e, f->name, "insufficient");
            rc = err_setf(e, 422, "insufficient_balance", "%s不足：现有 %s，不能再减少「%s」%.0s%.0s%.0s",
                          "%.0s%.0s%.0s%s is short: %s left, %s cannot go below zero", b->label_zh, sb_str(&was),
                          f->label_zh, b->label_en, sb_str(&was), f->label_en);
            sb_free(&was);
        }
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

int ledger_record(entity_ctx *c, const entity_def *ent, const sql_value *vals, err *e)
{
    for (int k = 0; k < ent->nbalances; k++) {
        const balance_def *b = &ent->balances[k];
        if (check_room(c, ent, b, vals, e) || upsert(c, ent, b, vals, e)) return -1;
        if (b->not_negative && stays_non_negative(c, ent, b, vals, e)) return -1;
    }
    return 0;
}

/* ---- reversing entries ---- */

/* Fields a reversal copies from the entry it reverses: what the user may
 * see and a client could have written, but not the code (a new one is
 * drawn) nor the link back. */
static int copied(entity_ctx *c, const entity_def *ent, const field_def *f)
{
    return !f->system && f->type != FT_AUTONUMBER && strcmp(f->name, ent->reverses_field) != 0 &&
           acl_field_access(c->user, ent, f) > 0;
}

static int negated(const entity_def *ent, const char *field)
{
    for (int i = 0; i < ent->nnegate; i++)
        if (strcmp(ent->negate[i], field) == 0) return 1;
    return 0;
}

/* The body of the reversing entry of `id` (a live record the user sees),
 * its negated fields already negated. NULL with e filled (404, or 422 when
 * `id` is itself a reversal). */
static json_t *reversal_body(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT t.%s", ent->reverses_field);
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (copied(c, ent, f)) query_sqlf(&q, negated(ent, f->name) ? ", -t.%s" : ", t.%s", f->name);
    }
    query_sqlf(&q, " FROM %s t WHERE t.deleted_at IS NULL AND t.id = ", ent->table);
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_visible_predicate(c->user, ent, "t", &q);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    json_t *body = NULL;
    if (s) {
        query_bind_all(&q, s);
        int step = db_step(s);
        if (step == DB_ROW && !db_column_is_null(s, 0)) {
            err_setf(e, 422, "not_reversible", "冲销记录不能再被冲销%.0s", "%.0sA reversing entry cannot be reversed", "",
                     "");
        } else if (step == DB_ROW) {
            strbuf json = STRBUF_INIT;
            sb_putc(&json, '{');
            for (int i = 0, col = 1, n = 0; i < ent->nfields; i++) {
                const field_def *f = &ent->fields[i];
                if (!copied(c, ent, f)) continue;
                if (!db_column_is_null(s, col)) {
                    sb_printf(&json, "%s\"%s\":", n++ ? "," : "", f->name);
                    value_to_json(f, s, col, &json);
                }
                col++;
            }
            sb_putc(&json, '}');
            body = json_loads(sb_str(&json), JSON_DECODE_ANY, NULL);
            sb_free(&json);
            if (!body) err_set(e, 500, "db_error", "读取记录失败", "Read failed");
        } else {
            err_setf(e, step == DB_DONE ? 404 : 500, step == DB_DONE ? "not_found" : "db_error",
                     "%s不存在或无权查看", "%s not found", ent->label_zh, ent->label_en);
        }
        db_finalize(s);
    }
    query_free(&q);
    return body;
}

/* Whoever reversed it, seen or not: one reversal per entry. */
static int already_reversed(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    char sql[200], text[24];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE %s = CAST(? AS BIGINT)", ent->table, ent->reverses_field);
    snprintf(text, sizeof text, "%lld", (long long)id);
    const char *params[] = {text};
    int64_t n = 0;
    if (db_query_int64(c->db, sql, &n, e, 1, params) < 0) return -1;
    if (!n) return 0;
    return err_setf(e, 409, "already_reversed", "该%s已经冲销过了", "This %s entry has already been reversed",
                    ent->label_zh, ent->label_en);
}

/* The request may set what the reversal says of itself (a note, a date),
 * never the amounts or the link. */
static int apply_overrides(entity_ctx *c, const entity_def *ent, json_t *body, json_t *overrides, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(overrides, key, v) {
        const field_def *f = meta_field(ent, key);
        if (!f || !copied(c, ent, f) || f->readonly || negated(ent, key)) {
            err_add_field(e, key, f ? "read_only" : "unknown");
            err_setf(e, 422, "validation_failed", "冲销时不能指定「%.64s」", "%.64s cannot be given for a reversal", key, key);
            continue;
        }
        json_object_set(body, key, v);
    }
    return e->nfields ? -1 : 0;
}

static int reverse_in_tx(entity_ctx *c, const entity_def *ent, int64_t id, json_t *overrides, int64_t *id_out, err *e)
{
    json_t *body = reversal_body(c, ent, id, e);
    if (!body) return -1;
    int rc = already_reversed(c, ent, id, e) || (overrides && apply_overrides(c, ent, body, overrides, e)) ? -1 : 0;
    if (!rc) {
        json_object_set_new(body, ent->reverses_field, json_integer(id));
        entity_ctx server = *c;
        server.trusted = 1; /* the link back is the server's to set */
        rc = entity_create(&server, ent, body, id_out, e);
    }
    json_decref(body);
    return rc;
}

int entity_reverse(entity_ctx *c, const entity_def *ent, int64_t id, json_t *overrides, int64_t *id_out, err *e)
{
    if (!ent->reverses_field)
        return err_setf(e, 422, "not_reversible", "「%s」不能冲销%.0s", "%.0s%s entries cannot be reversed", ent->label_zh,
                        ent->label_en);
    if (!acl_can(c->user, ent, ACL_CREATE))
        return err_setf(e, 403, "forbidden", "没有冲销「%s」的权限%.0s", "%.0sNo permission to reverse %s", ent->label_zh,
                        ent->label_en);
    if (overrides && !json_is_object(overrides))
        return err_set(e, 400, "bad_request", "请求体必须是 JSON 对象", "The body must be a JSON object");
    if (db_begin(c->db, e)) return -1;
    if (reverse_in_tx(c, ent, id, overrides, id_out, e)) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db, e);
}

/* ---- reading balances ---- */

const balance_def *entity_balance_def(const entity_def *ent, const char *name)
{
    for (int i = 0; i < ent->nbalances; i++)
        if (strcmp(ent->balances[i].name, name) == 0) return &ent->balances[i];
    return NULL;
}

/* WHERE of the balance rows asked for: group_by field = value. */
static int balance_where(entity_ctx *c, const entity_def *ent, const balance_def *b, const char *const *values,
                         query *w, err *e)
{
    acl_company_predicate(c->user, "b", w);
    for (int i = 0; i < b->ngroup_by; i++) {
        if (!values[i]) continue;
        const field_def *f = meta_field(ent, b->group_by[i]);
        sql_value v;
        if (value_from_text(f, values[i], c->a, &v, e)) return -1;
        query_sqlf(w, " AND b.%s = ", f->name);
        query_bind_value(w, v);
    }
    return 0;
}

static int64_t count_balance_rows(entity_ctx *c, const balance_def *b, const query *w, err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT COUNT(*) FROM %s b WHERE %s", b->table, sb_str(&w->sql));
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return -1;
    query_bind_all(w, s);
    int64_t n = db_step(s) == DB_ROW ? db_column_int64(s, 0) : -1;
    db_finalize(s);
    if (n < 0) err_set(e, 500, "db_error", "读取余额失败", "Cannot read the balance");
    return n;
}

/* One balance row as JSON: group values (link fields with their name),
 * the sums as exact numbers, the number of entries. */
static void balance_row(const entity_def *ent, const balance_def *b, db_stmt *s, strbuf *out)
{
    sb_putc(out, '{');
    int col = 0;
    for (int i = 0; i < b->ngroup_by; i++) {
        const field_def *f = meta_field(ent, b->group_by[i]);
        sb_printf(out, "%s\"%s\":", i ? "," : "", f->name);
        value_to_json(f, s, col++, out);
        if (f->companion) {
            sb_printf(out, ",\"%s\":", f->companion);
            sb_json_string(out, db_column_text(s, col));
            col++;
        }
    }
    for (int i = 0; i < b->nsum; i++) {
        sb_printf(out, ",\"%s\":", b->sum[i]);
        value_to_json(meta_field(ent, b->sum[i]), s, col++, out);
    }
    sb_printf(out, ",\"entries\":%lld}", (long long)db_column_int64(s, col));
}

int entity_balance(entity_ctx *c, const entity_def *ent, const char *name, const char *const *values, int64_t limit,
                   int64_t offset, strbuf *out, err *e)
{
    const balance_def *b = entity_balance_def(ent, name);
    if (!b) return err_setf(e, 404, "not_found", "没有名为 %.64s 的余额", "No balance named %.64s", name, name);
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限", "No permission to view %s", ent->label_zh,
                        ent->label_en);
    query w;
    query_init(&w, c->a);
    int rc = -1;
    int64_t total = balance_where(c, ent, b, values, &w, e) ? -1 : count_balance_rows(c, b, &w, e);
    if (total < 0) goto done;
    strbuf sql = STRBUF_INIT, order = STRBUF_INIT;
    sb_append(&sql, "SELECT ");
    for (int i = 0; i < b->ngroup_by; i++) {
        const field_def *f = meta_field(ent, b->group_by[i]);
        sb_printf(&sql, "%sb.%s", i ? ", " : "", f->name);
        sb_printf(&order, "%sb.%s", i ? ", " : "", f->name);
        if (!f->companion) continue;
        const entity_def *target = f->type == FT_USER ? NULL : meta_entity(c->m, f->link_entity);
        if (f->type == FT_USER) sb_printf(&sql, ", (SELECT u.name FROM users u WHERE u.id = b.%s)", f->name);
        else if (target && target->name_field)
            sb_printf(&sql, ", (SELECT j.%s FROM %s j WHERE j.id = b.%s)", target->name_field, target->table, f->name);
        else sb_append(&sql, ", NULL");
    }
    for (int i = 0; i < b->nsum; i++) sb_printf(&sql, ", b.%s", b->sum[i]);
    sb_printf(&sql, ", b.entries FROM %s b WHERE %s ORDER BY %s LIMIT %lld OFFSET %lld", b->table, sb_str(&w.sql),
              sb_str(&order), (long long)limit, (long long)offset);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    sb_free(&order);
    if (!s) goto done;
    query_bind_all(&w, s);
    sb_append(out, "{\"balance\":");
    sb_json_string(out, b->name);
    sb_append(out, ",\"items\":[");
    int step, n = 0;
    while ((step = db_step(s)) == DB_ROW) {
        if (n++) sb_putc(out, ',');
        balance_row(ent, b, s, out);
    }
    db_finalize(s);
    if (step < 0) {
        err_set(e, 500, "db_error", "读取余额失败", "Cannot read the balance");
        goto done;
    }
    sb_printf(out, "],\"total\":%lld}", (long long)total);
    rc = 0;
done:
    query_free(&w);
    return rc;
}
