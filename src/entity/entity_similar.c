/* entity_similar.c - "is this customer already here?": names similar to
 * one being typed (SG's red ball). Company names share their legal form
 * (有限公司, 股份有限公司) and often a city, so those are stripped before
 * comparing: 南京奥派信息技术有限公司 and 奥派信息技术(南京)有限责任公司 are
 * the same firm. Candidates come from the character-pair index (only
 * records the user may see) and are scored on the two cores' character
 * pairs (see similarity). */
#include <stdint.h>
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
    query_sqlf(&q, "SELECT t.id, t.%s FROM %s t WHERE t.deleted_at IS NULL AND ", ent->name_field, ent->table);
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
    int shown = 0;
    for (int i = 0; i < n && shown < limit; i++) {
        if (cands[i].score < SIMILAR_MIN_SCORE) break;
        if (shown++) sb_putc(out, ',');
        sb_printf(out, "{\"id\":%lld,\"name\":", (long long)cands[i].id);
        sb_json_string(out, cands[i].name);
        sb_printf(out, ",\"score\":%.2f,\"exact\":%s}", cands[i].score,
                  strcmp(cands[i].name, name) == 0 ? "true" : "false");
    }
    sb_printf(out, "],\"total\":%d}", shown);
    return 0;
}
