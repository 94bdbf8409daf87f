/* entity_similar.c - "is this customer already here?": names similar to
 * one being typed (SG's red ball). Company names share their legal form
 * (有限公司, 股份有限公司) and often a city, so those are stripped before
 * comparing: 南京奥派信息技术有限公司 and 奥派信息技术(南京)有限责任公司 are
 * the same firm. Candidates come from the character-pair index (only
 * records the user may see) and are scored on the two cores' character
 * pairs (see similarity). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/grams.h"
#include "entity_schema.h"
#include "entity_select.h"

#define SIMILAR_CANDIDATES 200
#define SIMILAR_MIN_SCORE 0.5

/* Longest first, so 股份有限公司 is removed whole. */
static const char *const NOISE[] = {
    "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司", "有限公司", "分公司", "总公司",
    "集团", "公司", "（中国）", "(中国)", "中国", "（", "）", "(", ")", NULL};

static const char *const CITIES[] = {"北京", "上海", "天津", "重庆", "南京", "苏州", "无锡", "杭州",
                                     "宁波", "广州", "深圳", "东莞", "济南", "青岛", "武汉", "长沙",
                                     "成都", "西安", "郑州", "厦门", "福州", "合肥", "沈阳", "大连",
                                     "长春", "哈尔滨", "石家庄", "太原", "南昌", "昆明", "南宁",
                                     "贵阳", "兰州", "常州", "温州", "江苏", "浙江", "广东", "山东",
                                     "市", "省", NULL};

static void remove_all(char *s, const char *word)
{
    size_t n = strlen(word);
    for (char *p = strstr(s, word); p; p = strstr(p, word)) memmove(p, p + n, strlen(p + n) + 1);
}

/* The distinctive part of a company name. */
static char *name_core(arena *a, const char *name)
{
    char *s = arena_strdup(a, name);
    for (int i = 0; NOISE[i]; i++) remove_all(s, NOISE[i]);
    char *without_city = arena_strdup(a, s);
    for (int i = 0; CITIES[i]; i++) remove_all(without_city, CITIES[i]);
    /* A name that is only a city ("南京公司") keeps it. */
    return strlen(without_city) >= 6 ? without_city : s;
}

typedef struct word_set {
    char **words;
    int n;
} word_set;

static word_set words_of(arena *a, const char *text)
{
    strbuf sb = STRBUF_INIT;
    grams_of_text(text, &sb);
    char *copy = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    word_set w = {arena_alloc(a, sizeof(char *) * (strlen(copy) / 2 + 2)), 0};
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) w.words[w.n++] = tok;
    return w;
}

#define MAX_CORE_CHARS 64

/* The characters of s (UTF-8) as numbers to compare - the bytes of each
 * character packed - at most MAX_CORE_CHARS. */
static int chars_of(const char *s, uint32_t *out)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < MAX_CORE_CHARS; n++) {
        uint32_t cp = *p++;
        while ((*p & 0xC0) == 0x80) cp = cp << 8 | *p++; /* continuation bytes; never the NUL */
        out[n] = cp;
    }
    return n;
}

/* 1 - edit distance / longer length, in characters: one wrong character
 * in a firm's distinctive part (海X汽车零部件 against 海讯汽车零部件) costs
 * less than another firm of the same trade (华兴汽车零部件), which shares
 * as many character pairs. */
static double edit_similarity(const char *x, const char *y)
{
    uint32_t a[MAX_CORE_CHARS], b[MAX_CORE_CHARS];
    int n = chars_of(x, a), m = chars_of(y, b);
    if (!n || !m) return 0;
    int row[MAX_CORE_CHARS + 1];
    for (int k = 0; k <= m; k++) row[k] = k;
    for (int i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = i;
        for (int k = 1; k <= m; k++) {
            int up = row[k], best = diag + (a[i - 1] != b[k - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[k - 1] + 1 < best) best = row[k - 1] + 1;
            diag = up;
            row[k] = best;
        }
    }
    return 1.0 - (double)row[m] / (n > m ? n : m);
}

/* Three quarters the mean of the Dice coefficient 2|A∩B|/(|A|+|B|) of the
 * cores' character pairs, which rewards the same name, and their overlap
 * |A∩B|/min(|A|,|B|), which rewards a name being typed that is part of a
 * stored one (奥派 against 奥派信息技术); one quarter the edit similarity,
 * which tells a typo from a namesake trade. */
static double similarity(arena *a, const char *x, const char *y)
{
    const char *cx = name_core(a, x), *cy = name_core(a, y);
    word_set wx = words_of(a, cx), wy = words_of(a, cy);
    if (!wx.n || !wy.n) return 0;
    char *used = arena_alloc(a, (size_t)wy.n);
    int common = 0;
    for (int i = 0; i < wx.n; i++)
        for (int k = 0; k < wy.n; k++)
            if (!used[k] && strcmp(wx.words[i], wy.words[k]) == 0) {
                used[k] = 1;
                common++;
                break;
            }
    double dice = 2.0 * common / (wx.n + wy.n);
    double overlap = (double)common / (wx.n < wy.n ? wx.n : wy.n);
    return 0.75 * (dice + overlap) / 2 + 0.25 * edit_similarity(cx, cy);
}

typedef struct candidate {
    int64_t id;
    char *name;
    char *owner_name; /* NULL: no 负责人 (in the 公海 where the entity has one) */
    double score;
} candidate;

static int by_score(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : (a->id > b->id) - (a->id < b->id);
}

/* Candidates: records sharing any word of the core (OR of words). */
static int fetch_candidates(entity_ctx *c, const entity_def *ent, const char *core,
                            candidate *out, int *n, err *e)
{
    word_set w = words_of(c->a, core);
    if (!w.n) return 0;
    int pg = db_dialect_of(c->db) == DB_POSTGRES;
    strbuf terms = STRBUF_INIT;
    for (int i = 0; i < w.n && i < 32; i++) {
        if (i) sb_append(&terms, pg ? " | " : " OR ");
        sb_printf(&terms, pg ? "%s" : "\"%s\"", w.words[i]);
    }
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT t.id, t.%s, %s FROM %s t WHERE t.deleted_at IS NULL AND ", ent->name_field,
               meta_field(ent, "owner_id") ? "(SELECT u.name FROM users u WHERE u.id = t.owner_id)" : "NULL",
               ent->table);
    acl_visible_predicate(c->user, ent, "t", &q);
    if (pg) query_sql(&q, " AND to_tsvector('simple', COALESCE(t.search_grams, '')) @@ to_tsquery('simple', ");
    else query_sqlf(&q, " AND t.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ", ent->table, ent->table);
    query_bind_text(&q, sb_str(&terms));
    query_sqlf(&q, ") LIMIT %d", SIMILAR_CANDIDATES);
    sb_free(&terms);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(&q, s);
        int step;
        while ((step = db_step(s)) == DB_ROW && *n < SIMILAR_CANDIDATES) {
            out[*n].id = db_column_int64(s, 0);
            out[*n].name = arena_strdup(c->a, db_column_text(s, 1));
            const char *owner = db_column_text(s, 2);
            out[*n].owner_name = owner ? arena_strdup(c->a, owner) : NULL;
            (*n)++;
        }
        db_finalize(s);
        rc = step < 0 ? err_set(e, 500, "db_error", "查重失败", "Duplicate check failed") : 0;
    }
    query_free(&q);
    return rc;
}

int entity_similar_names(entity_ctx *c, const entity_def *ent, const char *name, int limit,
                         strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限%.0s", "%.0sNo permission to view %s",
                        ent->label_zh, ent->label_en);
    if (!ent->name_field || !entity_has_search(ent))
        return err_set(e, 404, "not_found", "该类记录不支持查重", "This entity has no duplicate check");
    candidate *cands = arena_alloc(c->a, sizeof *cands * SIMILAR_CANDIDATES);
    int n = 0;
    if (fetch_candidates(c, ent, name_core(c->a, name), cands, &n, e)) return -1;
    for (int i = 0; i < n; i++) cands[i].score = similarity(c->a, name, cands[i].name);
    qsort(cands, (size_t)n, sizeof *cands, by_score);
    sb_append(out, "{\"items\":[");
    int shown = 0, exact = 0, pool = ent->pool && meta_field(ent, "owner_id");
    for (int i = 0; i < n && shown < limit; i++) {
        if (cands[i].score < SIMILAR_MIN_SCORE) break;
        if (shown++) sb_putc(out, ',');
        int same = strcmp(cands[i].name, name) == 0;
        exact |= same;
        sb_printf(out, "{\"id\":%lld,\"name\":", (long long)cands[i].id);
        sb_json_string(out, cands[i].name);
        sb_printf(out, ",\"score\":%.2f,\"exact\":%s,\"visible\":true,\"owner_name\":", cands[i].score,
                  same ? "true" : "false");
        if (cands[i].owner_name) sb_json_string(out, cands[i].owner_name);
        else sb_append(out, "null");
        sb_printf(out, ",\"pool\":%s}", pool && !cands[i].owner_name ? "true" : "false");
    }
    /* The very name, held by a colleague the user may not see: not the
     * record (no id), only who holds it, as the refusal on saving says. */
    const field_def *nf = meta_field(ent, ent->name_field);
    if (!exact && nf && nf->unique) {
        unique_holder h;
        sql_value v = {.kind = SV_TEXT, .s = name};
        if (entity_unique_holder(c, ent, nf, v, 0, &h, e)) return -1;
        if (h.found && !h.visible) {
            if (shown++) sb_putc(out, ',');
            sb_append(out, "{\"id\":null,\"name\":");
            sb_json_string(out, name);
            sb_append(out, ",\"score\":1.00,\"exact\":true,\"visible\":false,\"owner_name\":");
            if (h.owner_name[0]) sb_json_string(out, h.owner_name);
            else sb_append(out, "null");
            sb_printf(out, ",\"pool\":%s}", h.pool ? "true" : "false");
        }
    }
    sb_printf(out, "],\"total\":%d}", shown);
    return 0;
}

/* Who holds the record that already has this unique value (issue 15):
 * uniqueness is per company while a colleague's customers are private, so
 * a refusal that only said 已存在 left the user nowhere. As Chinese CRMs
 * do, the refusal and the hint name its 负责人, or say it is in the 公海,
 * so the user can ask for it or claim it; they never name or open a
 * record the user may not see. */
int entity_unique_holder(entity_ctx *c, const entity_def *ent, const field_def *f, sql_value v,
                         int64_t self_id, unique_holder *out, err *e)
{
    memset(out, 0, sizeof *out);
    const field_def *owner = meta_field(ent, "owner_id");
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT t.id, %s, %s, CASE WHEN ", owner ? "t.owner_id" : "NULL",
               owner ? "(SELECT u.name FROM users u WHERE u.id = t.owner_id)" : "NULL");
    acl_visible_predicate(c->user, ent, "t", &q);
    query_sqlf(&q, " THEN 1 ELSE 0 END FROM %s t WHERE t.deleted_at IS NULL AND t.%s = ", ent->table,
               meta_column(f));
    query_bind_value(&q, v);
    query_sql(&q, " AND t.id <> ");
    query_bind_int(&q, self_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    /* any row holding the value will do; a sort by id could lure the
     * planner off the value's index onto the table's (checked on every
     * create and edit of a unique field) */
    query_sql(&q, " LIMIT 1");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    if (step == DB_ROW) {
        out->found = 1;
        out->id = db_column_int64(s, 0);
        out->owner_id = db_column_int64(s, 1);
        out->pool = owner && ent->pool && db_column_is_null(s, 1);
        const char *name = db_column_text(s, 2);
        if (name) snprintf(out->owner_name, sizeof out->owner_name, "%s", name);
        out->visible = db_column_int64(s, 3) != 0;
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "查重失败", "Duplicate check failed");
    return 0;
}
