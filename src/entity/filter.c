/* filter.c - see filter.h. The filter is a small tree of and/or nodes and
 * conditions; each condition becomes "<column> <op> ?" with the value
 * converted by the field's type, so a string can never become SQL.
 * Semantics worth knowing:
 *   ne and nin also match rows where the field is empty (NULL), as people
 *   mean "not Nanjing" to include customers without a city;
 *   isnull/notnull treat '' like NULL for text;
 *   on a multi-picklist, eq/contains mean "has this option", in means
 *   "has any of these";
 *   a date given for a datetime field means midnight China time.
 * NULL ordering in sorts follows each database (SQLite: first ascending;
 * PostgreSQL: last ascending), so the sort indexes stay usable. */
#include "filter.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "value.h"
#include "entity_tree.h"
#include "../util/json_numbers.h"

typedef struct compile_state {
    const filter_ctx *ctx;
    query *q;
    err *e;
    int nodes;
} compile_state;

static int bad_filter(err *e, const char *zh, const char *en, const char *detail)
{
    char d[70];
    snprintf(d, sizeof d, "%.64s", detail ? detail : "");
    return err_setf(e, 400, "bad_filter", zh, en, d);
}

static const field_def *find_field(const filter_ctx *ctx, const char *name)
{
    const field_def *f = name ? meta_field(ctx->entity, name) : NULL;
    if (f && f->type == FT_JSON) return NULL; /* structured settings, not a column to query */
    if (f && ctx->allowed && !ctx->allowed(f, ctx->allowed_ctx)) return NULL;
    return f;
}

static void column(compile_state *st, const field_def *f)
{
    if (st->ctx->alias) query_sqlf(st->q, "%s.%s", st->ctx->alias, meta_column(f));
    else query_sql(st->q, meta_column(f));
}

/* A filter value in stored form. Unlike record input, read-only fields and
 * inactive options may be searched for. */
static int filter_value(compile_state *st, const field_def *f, json_t *v, sql_value *out)
{
    err tmp;
    err_clear(&tmp);
    switch (f->type) {
    case FT_ID: case FT_LINK: case FT_USER:
        if (!json_is_integer(v)) break;
        *out = (sql_value){.kind = SV_INT, .i = json_integer_value(v)};
        return 0;
    case FT_AUTONUMBER: case FT_PICKLIST: case FT_MULTIPICKLIST:
        if (!json_is_string(v) || strlen(json_string_value(v)) > 200) break;
        *out = (sql_value){.kind = SV_TEXT, .s = json_string_value(v)};
        return 0;
    case FT_TEXT: case FT_LONGTEXT: case FT_EMAIL: case FT_PHONE: case FT_URL:
        if (!json_is_string(v) || strlen(json_string_value(v)) > 1000) break;
        *out = (sql_value){.kind = SV_TEXT, .s = json_string_value(v)};
        return 0;
    default:
        if (value_from_json(f, v, st->q->a, out, &tmp) == 0 && out->kind != SV_NULL) return 0;
    }
    return err_setf(st->e, 400, "bad_filter", "筛选条件中「%s」的值无效%.0s",
                    "%.0sInvalid value for %s in the filter", f->label_zh, f->label_en);
}

static int is_ordered(const field_def *f)
{
    return f->type != FT_BOOLEAN && f->type != FT_PICKLIST && f->type != FT_MULTIPICKLIST;
}

static void like_value(compile_state *st, const char *text, int prefix_only, int multi)
{
    size_t n = strlen(text);
    char *p = arena_alloc(st->q->a, n * 2 + 4), *w = p;
    if (multi) *w++ = '%', *w++ = ',';
    else if (!prefix_only) *w++ = '%';
    for (const char *r = text; *r; r++) {
        if (*r == '%' || *r == '_' || *r == '\\') *w++ = '\\';
        *w++ = *r;
    }
    if (multi) *w++ = ',';
    *w++ = '%';
    *w = '\0';
    query_sql(st->q, st->ctx->dialect == DB_POSTGRES ? " ILIKE " : " LIKE ");
    query_bind_text(st->q, p);
    query_sql(st->q, " ESCAPE '\\'");
}

static int compile_like(compile_state *st, const field_def *f, const char *op, json_t *v)
{
    int multi = f->type == FT_MULTIPICKLIST;
    if (!field_is_textual(f) && !multi)
        return bad_filter(st->e, "字段「%s」不支持包含/开头匹配", "Field %s does not support contains/starts", f->name);
    if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 200)
        return bad_filter(st->e, "「%s」的匹配内容必须是非空文本", "The match text for %s must be non-empty text", f->name);
    query_sql(st->q, "(");
    column(st, f);
    like_value(st, json_string_value(v), strcmp(op, "starts") == 0 && !multi, multi);
    query_sql(st->q, ")");
    return 0;
}

static int compile_null(compile_state *st, const field_def *f, int want_null)
{
    int textual = field_is_textual(f) || f->type == FT_MULTIPICKLIST;
    query_sql(st->q, "(");
    column(st, f);
    query_sql(st->q, want_null ? " IS NULL" : " IS NOT NULL");
    if (textual) {
        query_sql(st->q, want_null ? " OR " : " AND ");
        column(st, f);
        query_sql(st->q, want_null ? " = ''" : " <> ''");
    }
    query_sql(st->q, ")");
    return 0;
}

static int compile_in(compile_state *st, const field_def *f, int negate, json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > FILTER_MAX_IN)
        return bad_filter(st->e, "「%s」的 in/nin 需要 1 到 500 个值的数组",
                          "in/nin on %s needs an array of 1 to 500 values", f->name);
    size_t i;
    json_t *item;
    if (f->type == FT_MULTIPICKLIST) { /* has any of the options */
        query_sql(st->q, negate ? "NOT (" : "(");
        json_array_foreach(v, i, item) {
            if (!json_is_string(item)) return bad_filter(st->e, "「%s」的值必须是文本", "Values of %s must be text", f->name);
            if (i) query_sql(st->q, " OR ");
            column(st, f);
            like_value(st, json_string_value(item), 0, 1);
        }
        query_sql(st->q, ")");
        return 0;
    }
    query_sql(st->q, "(");
    column(st, f);
    query_sql(st->q, negate ? " NOT IN (" : " IN (");
    json_array_foreach(v, i, item) {
        sql_value sv;
        if (filter_value(st, f, item, &sv)) return -1;
        if (i) query_sql(st->q, ", ");
        query_bind_value(st->q, sv);
    }
    query_sql(st->q, ")");
    if (negate) {
        query_sql(st->q, " OR ");
        column(st, f);
        query_sql(st->q, " IS NULL");
    }
    query_sql(st->q, ")");
    return 0;
}

static int compile_compare(compile_state *st, const field_def *f, const char *op, json_t *v)
{
    static const struct {
        const char *op, *sql;
    } CMP[] = {{"eq", " = "}, {"ne", " <> "}, {"lt", " < "}, {"lte", " <= "}, {"gt", " > "}, {"gte", " >= "}};
    const char *sql = NULL;
    for (size_t i = 0; i < sizeof CMP / sizeof CMP[0]; i++)
        if (strcmp(CMP[i].op, op) == 0) sql = CMP[i].sql;
    if (!sql) return bad_filter(st->e, "不支持的筛选运算符「%s」", "Unknown filter operator \"%s\"", op);
    int eq = strcmp(op, "eq") == 0, ne = strcmp(op, "ne") == 0;
    if (!eq && !ne && !is_ordered(f))
        return bad_filter(st->e, "字段「%s」不能比较大小", "Field %s cannot be compared by size", f->name);
    if (json_is_null(v) && (eq || ne)) return compile_null(st, f, eq);
    if (f->type == FT_MULTIPICKLIST) {
        if (ne) query_sql(st->q, "NOT ");
        return compile_like(st, f, "contains", v);
    }
    sql_value sv;
    if (!v || filter_value(st, f, v, &sv)) {
        if (!v) bad_filter(st->e, "筛选条件缺少 value", "The filter condition has no value", NULL);
        return -1;
    }
    query_sql(st->q, "(");
    column(st, f);
    query_sql(st->q, sql);
    query_bind_value(st->q, sv);
    if (ne) {
        query_sql(st->q, " OR ");
        column(st, f);
        query_sql(st->q, " IS NULL");
    }
    query_sql(st->q, ")");
    return 0;
}

/* A record of a tree and everything below it (entity_tree.h). */
static int compile_under(compile_state *st, const field_def *f, json_t *v)
{
    if (!f->tree_table)
        return bad_filter(st->e, "字段「%s」不是树形关联，不能用 under", "Field %s is not a tree link: no under", f->name);
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return bad_filter(st->e, "「%s」的 under 需要一个记录 ID", "under on %s needs a record id", f->name);
    const char *col = st->ctx->alias ? arena_printf(st->q->a, "%s.%s", st->ctx->alias, meta_column(f)) : meta_column(f);
    entity_tree_under_sql(st->q, f, col, json_integer_value(v));
    return 0;
}

static int compile_condition_as_is(compile_state *st, json_t *node);

/* "few": true says few rows pass (the open tickets among a million): a
 * hint for SQLite's planner, which knows only the average rows per value
 * (ANALYZE without STAT4) and would otherwise walk the sort's index over
 * all the closed ones. likelihood() leaves the term usable by an index. */
static int compile_condition(compile_state *st, json_t *node)
{
    json_t *few = json_object_get(node, "few");
    if (few && !json_is_boolean(few))
        return bad_filter(st->e, "few 只能是 true 或 false%s", "few is true or false%s", "");
    int hint = json_is_true(few) && st->ctx->dialect == DB_SQLITE;
    if (hint) query_sql(st->q, "likelihood(");
    if (compile_condition_as_is(st, node)) return -1;
    if (hint) query_sql(st->q, ", 0.05)");
    return 0;
}

static int compile_condition_as_is(compile_state *st, json_t *node)
{
    const char *key;
    json_t *v;
    json_object_foreach(node, key, v) {
        if (strcmp(key, "field") && strcmp(key, "op") && strcmp(key, "value") && strcmp(key, "few"))
            return bad_filter(st->e, "筛选条件中有未知的键「%s」", "Unknown key \"%s\" in a filter condition", key);
    }
    const char *name = json_string_value(json_object_get(node, "field"));
    const char *op = json_string_value(json_object_get(node, "op"));
    const field_def *f = find_field(st->ctx, name);
    if (!f) return bad_filter(st->e, "筛选条件中的字段「%s」不存在", "Unknown field \"%s\" in the filter", name);
    if (!op) return bad_filter(st->e, "筛选条件缺少运算符 op", "The filter condition has no op", NULL);
    json_t *value = json_object_get(node, "value");
    if (!strcmp(op, "isnull") || !strcmp(op, "notnull")) return compile_null(st, f, op[0] == 'i');
    if (!strcmp(op, "in") || !strcmp(op, "nin")) return compile_in(st, f, op[0] == 'n', value);
    if (!strcmp(op, "contains") || !strcmp(op, "starts")) return compile_like(st, f, op, value);
    if (!strcmp(op, "under")) return compile_under(st, f, value);
    return compile_compare(st, f, op, value);
}

static int compile_node(compile_state *st, json_t *node, int depth);

static int compile_group(compile_state *st, json_t *list, const char *joiner, int depth)
{
    if (!json_is_array(list) || json_array_size(list) == 0)
        return bad_filter(st->e, "and/or 需要非空数组", "and/or needs a non-empty array", NULL);
    query_sql(st->q, "(");
    size_t i;
    json_t *child;
    json_array_foreach(list, i, child) {
        if (i) query_sql(st->q, joiner);
        if (compile_node(st, child, depth + 1)) return -1;
    }
    query_sql(st->q, ")");
    return 0;
}

static int compile_node(compile_state *st, json_t *node, int depth)
{
    if (depth > FILTER_MAX_DEPTH)
        return bad_filter(st->e, "筛选条件嵌套过深%s", "The filter is nested too deeply%s", "");
    if (json_is_array(node)) return compile_group(st, node, " AND ", depth);
    if (!json_is_object(node))
        return bad_filter(st->e, "筛选条件必须是对象%s", "A filter node must be an object%s", "");
    json_t *and = json_object_get(node, "and"), *or = json_object_get(node, "or");
    if (and || or) {
        if (json_object_size(node) != 1)
            return bad_filter(st->e, "and/or 节点不能有其他键%s", "An and/or node cannot have other keys%s", "");
        return and ? compile_group(st, and, " AND ", depth) : compile_group(st, or, " OR ", depth);
    }
    /* Conditions are counted, as docs/api.md says; and/or groups are bounded
     * by them (a group is never empty) and by the depth. */
    if (++st->nodes > FILTER_MAX_NODES)
        return err_setf(st->e, 400, "bad_filter", "筛选条件最多 %d 个", "A filter holds at most %d conditions",
                        FILTER_MAX_NODES);
    return compile_condition(st, node);
}

int filter_compile(const filter_ctx *ctx, const char *json_text, size_t len, query *q, err *e)
{
    size_t start = q->sql.len;
    int nvalues = q->nvalues;
    if (!json_text || len == 0) {
        query_sql(q, "1=1");
        return 0;
    }
    size_t tiny_len;
    long tiny = json_tiny_number(json_text, len, &tiny_len);
    if (tiny >= 0)
        return err_setf(e, 400, "bad_filter", "筛选条件中的数字 %.*s 太小，无法准确表示",
                        "The number %.*s in the filter is too small to be represented",
                        (int)(tiny_len < 40 ? tiny_len : 40), json_text + tiny);
    json_error_t je;
    json_t *root = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_setf(e, 400, "bad_filter", "筛选条件不是有效的 JSON（第 %d 列）",
                        "The filter is not valid JSON (column %d)", je.column);
    compile_state st = {ctx, q, e, 0};
    int rc;
    if (json_is_object(root) && json_object_size(root) == 0) {
        query_sql(q, "1=1");
        rc = 0;
    } else {
        rc = compile_node(&st, root, 1);
    }
    json_decref(root);
    if (rc) { /* leave the query as it was */
        q->sql.len = start;
        if (q->sql.data) q->sql.data[start] = '\0';
        q->nvalues = nvalues;
    }
    return rc;
}

static int bad_sort(err *e, const char *zh, const char *en, const char *detail, size_t n)
{
    char d[70];
    snprintf(d, sizeof d, "%.*s", (int)(n < 64 ? n : 64), detail);
    return err_setf(e, 400, "bad_sort", zh, en, d);
}

int sort_compile(const filter_ctx *ctx, const char *sort_text, const char *default_sort, query *q,
                 err *e)
{
    const char *text = sort_text && *sort_text ? sort_text : default_sort;
    const field_def *used[SORT_MAX_KEYS];
    int nkeys = 0, last_desc = 0, has_id = 0;
    const char *prefix = ctx->alias ? ctx->alias : "";
    const char *dot = ctx->alias ? "." : "";
    strbuf order = STRBUF_INIT;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && p[n - 1] == ' ') n--;
        int desc = n > 0 && p[0] == '-';
        const char *name = p + (n > 0 && (p[0] == '-' || p[0] == '+'));
        size_t nlen = n - (size_t)(name - p);
        char key[64];
        if (nlen == 0 || nlen >= sizeof key) return sb_free(&order), bad_sort(e, "排序字段「%s」无效", "Invalid sort field \"%s\"", p, n);
        memcpy(key, name, nlen);
        key[nlen] = '\0';
        const field_def *f = find_field(ctx, key);
        if (!f) return sb_free(&order), bad_sort(e, "排序字段「%s」不存在", "Unknown sort field \"%s\"", key, nlen);
        if (f->type == FT_LONGTEXT || f->type == FT_MULTIPICKLIST)
            return sb_free(&order), bad_sort(e, "字段「%s」不能排序", "Field %s cannot be sorted", key, nlen);
        for (int i = 0; i < nkeys; i++)
            if (used[i] == f) return sb_free(&order), bad_sort(e, "排序字段「%s」重复", "Sort field %s repeated", key, nlen);
        if (nkeys == SORT_MAX_KEYS)
            return sb_free(&order), bad_sort(e, "排序字段最多 4 个%s", "At most 4 sort fields%s", "", 0);
        used[nkeys++] = f;
        sb_printf(&order, "%s%s%s%s%s", nkeys > 1 ? ", " : "", prefix, dot,
                  f->sort_column ? f->sort_column : meta_column(f), desc ? " DESC" : "");
        has_id |= strcmp(f->name, "id") == 0;
        last_desc = desc;
        p = end ? end + 1 : p + strlen(p);
    }
    if (nkeys == 0) return sb_free(&order), bad_sort(e, "排序参数为空%s", "Empty sort%s", "", 0);
    if (!has_id) sb_printf(&order, ", %s%sid%s", prefix, dot, last_desc ? " DESC" : "");
    query_sql(q, "ORDER BY ");
    query_sql(q, sb_str(&order));
    sb_free(&order);
    return 0;
}
