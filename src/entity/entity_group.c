/* entity_group.c - counts (and optionally sums) of a list grouped by one
 * field: the statistics of any entity (客情统计: customers by type, grade,
 * industry, province, owner, stage ...). The rows are those the list with
 * the same q/filter would show, so visibility and field access apply as
 * everywhere; a hidden field can be neither the group nor the sum. */
#include <string.h>

#include "../acl/acl.h"
#include "entity_select.h"
#include "value.h"

#define GROUP_MAX_ITEMS 200

static int groupable(const field_def *f)
{
    switch (f->type) {
    case FT_PICKLIST: case FT_LINK: case FT_USER: case FT_BOOLEAN: case FT_TEXT: case FT_INTEGER: case FT_DATE:
        return 1;
    default: return 0;
    }
}

static int bad_param(err *e, const char *name, const char *zh, const char *en)
{
    err_add_field(e, name, "invalid");
    return err_set(e, 400, "bad_param", zh, en);
}

static int visible(entity_ctx *c, const entity_def *ent, const field_def *f)
{
    return f && acl_field_access(c->user, ent, f) != ACL_HIDDEN;
}

/* The display text of a group value: option label, linked record's or
 * user's name, 是/否, or the value itself. */
static void group_label(entity_ctx *c, const field_def *f, db_stmt *s, int col, strbuf *out)
{
    int en = strcmp(c->lang, "en") == 0;
    if (db_column_is_null(s, col) || (db_column_type(s, col) == DB_TEXT && !*db_column_text(s, col))) {
        sb_json_string(out, en ? "(empty)" : "未填写");
        return;
    }
    if (f->type == FT_LINK || f->type == FT_USER) {
        const entity_def *target = meta_entity(c->m, f->type == FT_USER ? "users" : f->link_entity);
        const char *name_col = target && target->name_field ? target->name_field : "name";
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", name_col, target ? target->table : "users");
        err ignore;
        err_clear(&ignore);
        db_stmt *n = db_prepare(c->db, sql, &ignore);
        if (n) {
            db_bind_int64(n, 1, db_column_int64(s, col));
            if (db_step(n) == DB_ROW && db_column_text(n, 0)) {
                sb_json_string(out, db_column_text(n, 0));
                db_finalize(n);
                return;
            }
            db_finalize(n);
        }
    }
    strbuf text = STRBUF_INIT;
    value_to_text(f, s, col, c->lang, &text);
    sb_json_string(out, sb_str(&text));
    sb_free(&text);
}

int entity_group(entity_ctx *c, const entity_def *ent, const list_params *p, const char *by,
                 const char *sum, strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限", "No permission to view %s", ent->label_zh,
                        ent->label_en);
    const field_def *g = by ? meta_field(ent, by) : NULL;
    if (!visible(c, ent, g) || !groupable(g))
        return bad_param(e, "by", "分组字段无效：须为下拉、关联、负责人、是否或文本字段",
                         "Invalid group field: a picklist, link, user, boolean or text field");
    const field_def *sf = sum && *sum ? meta_field(ent, sum) : NULL;
    if (sum && *sum && (!visible(c, ent, sf) || !(field_is_scaled(sf) || sf->type == FT_INTEGER)))
        return bad_param(e, "sum", "合计字段无效：须为金额或数字字段", "Invalid sum field: a money or number field");
    query w;
    query_init(&w, c->a);
    if (entity_where(c, ent, p, &w, e)) return query_free(&w), -1;
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT t.%s, COUNT(*), ", meta_column(g));
    if (sf) sql_split_sum(&sql, arena_printf(c->a, "t.%s", meta_column(sf)));
    else sb_append(&sql, "0, 0");
    sb_printf(&sql, " FROM %s t WHERE %s GROUP BY t.%s ORDER BY COUNT(*) DESC, t.%s LIMIT %d", ent->table,
              sb_str(&w.sql), meta_column(g), meta_column(g), GROUP_MAX_ITEMS);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return query_free(&w), -1;
    query_bind_all(&w, s);
    int64_t total = 0;
    wide_sum total_sum = 0;
    sb_append(out, "{\"entity\":");
    sb_json_string(out, ent->name);
    sb_append(out, ",\"by\":");
    sb_json_string(out, g->name);
    sb_append(out, ",\"by_label\":");
    sb_json_string(out, strcmp(c->lang, "en") == 0 ? g->label_en : g->label_zh);
    sb_append(out, ",\"items\":[");
    int rc, n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        sb_append(out, n++ ? ",{\"value\":" : "{\"value\":");
        value_to_json(g, s, 0, out);
        sb_append(out, ",\"label\":");
        group_label(c, g, s, 0, out);
        int64_t count = db_column_int64(s, 1);
        wide_sum v = db_split_sum(s, 2);
        sb_printf(out, ",\"count\":%lld", (long long)count);
        if (sf) {
            sb_append(out, ",\"sum\":");
            decimal_format_wide(v, field_is_scaled(sf) ? sf->scale : 0, out);
        }
        sb_putc(out, '}');
        total += count;
        total_sum += v;
    }
    db_finalize(s);
    query_free(&w);
    if (rc < 0) return err_set(e, 500, "db_error", "统计失败", "The report failed");
    sb_printf(out, "],\"total\":%lld", (long long)total);
    if (sf) {
        sb_append(out, ",\"sum\":");
        decimal_format_wide(total_sum, field_is_scaled(sf) ? sf->scale : 0, out);
    }
    sb_putc(out, '}');
    return 0;
}
