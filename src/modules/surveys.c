/* surveys.c - see surveys.h. */
#include "surveys.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../auth/session.h"
#include "../auth/token.h"
#include "../util/clock.h"
#include "../util/utf8.h"
#include "marketing.h"

#define TEXT_MAX_CHARS 2000
#define TEXTS_SHOWN 20
#define CHOICES_MAX 50

static int db_failed(err *e)
{
    return err_set(e, 500, "db_error", "读取问卷数据失败", "Reading survey data failed");
}

/* The acting user as an administrator of their company: invitations and
 * answers are the server's records, written whatever the profiles say of
 * them (the survey's own rights were checked). */
static entity_ctx as_server(entity_ctx *c, auth_user *admin)
{
    *admin = *c->user;
    admin->is_admin = 1;
    entity_ctx sc = *c;
    sc.user = admin;
    sc.trusted = 1;
    return sc;
}

static json_t *record_of(entity_ctx *c, const char *entity, int64_t id, err *e)
{
    strbuf sb = STRBUF_INIT;
    json_t *r = NULL;
    if (entity_get(c, meta_entity(c->m, entity), id, 0, &sb, e) == 0) r = json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    if (!r && !e->status) err_set(e, 500, "bad_record", "读取记录失败", "Cannot read the record");
    return r;
}

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---- invitations ---- */

static int contacts_named(entity_ctx *c, json_t *list, json_t *ids, err *e)
{
    if (!json_is_array(list) || !json_array_size(list)) {
        err_add_field(e, "contact_ids", "required");
        return err_set(e, 422, "validation_failed", "请选择要邀请的联系人", "Choose the contacts to invite");
    }
    if (json_array_size(list) > SURVEYS_INVITE_MAX)
        return err_setf(e, 422, "too_many", "一次最多邀请 %d 人", "At most %d invitations at once", SURVEYS_INVITE_MAX);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        json_t *r = json_is_integer(v) && json_integer_value(v) > 0
                        ? record_of(c, "contacts", json_integer_value(v), e)
                        : NULL;
        json_decref(r);
        if (!r) {
            err_clear(e);
            err_add_field(e, arena_printf(c->a, "contact_ids[%zu]", i), "not_found");
            return err_set(e, 422, "validation_failed", "联系人不存在或无权访问", "A contact does not exist or is not yours to see");
        }
        json_array_append(ids, v);
    }
    return 0;
}

static int invited(entity_ctx *c, int64_t survey, int64_t contact, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM survey_invitations t WHERE t.deleted_at IS NULL AND t.survey_id = ");
    query_bind_int(&q, survey);
    query_sql(&q, " AND t.contact_id = ");
    query_bind_int(&q, contact);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int64_t n;
    if (query_int64(c->db, &q, &n, e) < 0) return -1;
    return n > 0;
}

int surveys_invite(entity_ctx *c, int64_t id, json_t *body, strbuf *out, err *e)
{
    const entity_def *surveys = meta_entity(c->m, "surveys");
    json_t *survey = record_of(c, "surveys", id, e);
    if (!survey) return -1;
    int rc = 0;
    json_t *ids = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
        if (strcmp(key, "contact_ids") != 0 && strcmp(key, "campaign_id") != 0) err_add_field(e, key, "unknown");
    if (!acl_can(c->user, surveys, ACL_EDIT))
        rc = err_set(e, 403, "forbidden", "没有修改调查问卷的权限", "No permission to edit surveys");
    else if (e->nfields)
        rc = err_set(e, 422, "validation_failed", "只能给出 contact_ids 或 campaign_id", "Give contact_ids or campaign_id only");
    else if (!text_of(survey, "status") || strcmp(text_of(survey, "status"), "open") != 0)
        rc = err_set(e, 422, "survey_not_open", "问卷发布后才能邀请答卷", "Publish the survey before inviting");
    else if (json_object_get(body, "campaign_id"))
        rc = marketing_campaign_contacts(c, json_object_get(body, "campaign_id"), SURVEYS_INVITE_MAX, ids, e);
    else
        rc = contacts_named(c, json_object_get(body, "contact_ids"), ids, e);
    if (!rc && json_array_size(ids) > SURVEYS_INVITE_MAX)
        rc = err_setf(e, 422, "too_many", "一次最多邀请 %d 人", "At most %d invitations at once", SURVEYS_INVITE_MAX);
    const char *expires = text_of(survey, "closes_at");
    auth_user admin;
    entity_ctx sc = as_server(c, &admin);
    const entity_def *inv = meta_entity(c->m, "survey_invitations");
    int count = 0, skipped = 0;
    if (!rc) rc = db_begin(c->db, e);
    else json_decref(survey), survey = NULL;
    if (survey) {
        sb_append(out, "{\"links\":[");
        size_t i;
        json_array_foreach(ids, i, v) {
            if (rc) break;
            int64_t contact = json_integer_value(v);
            int already = invited(c, id, contact, e);
            if (already) {
                rc = already < 0;
                skipped += already > 0;
                continue;
            }
            char token[TOKEN_TEXT_SIZE], hash[TOKEN_HASH_SIZE];
            if (token_random(token)) {
                rc = err_set(e, 500, "random_failed", "无法生成链接", "Cannot make a link");
                break;
            }
            token_hash(token, hash);
            json_t *b = json_pack("{s:I,s:I,s:s,s:s,s:s}", "survey_id", (json_int_t)id, "contact_id", (json_int_t)contact,
                                  "status", "sent", "expires_at", expires, "token_hash", hash);
            int64_t made = 0;
            rc = entity_create(&sc, inv, b, &made, e);
            json_decref(b);
            if (!rc) sb_printf(out, "%s{\"contact_id\":%lld,\"token\":\"%s\"}", count++ ? "," : "", (long long)contact, token);
        }
        if (rc == 0) rc = db_commit(c->db, e);
        if (rc) db_rollback(c->db);
        else sb_printf(out, "],\"invited\":%d,\"skipped\":%d}", count, skipped);
        json_decref(survey);
    }
    json_decref(ids);
    return rc ? -1 : 0;
}

/* ---- the link ---- */

/* The link's state; it expires with the survey's 截止时间 as it is now (an
 * invitation's 链接有效期至 is the one it was sent with). */
typedef struct link {
    int64_t id, survey, contact, version, owner;
    char status[16], expires[ISO_TIME_LEN], survey_status[16];
} link;

static int find_link(db_conn *db, const char *token, link *l, err *e)
{
    char hash[TOKEN_HASH_SIZE];
    token_hash(token ? token : "", hash);
    db_stmt *s = db_prepare(db,
                            "SELECT i.id, i.survey_id, i.contact_id, i.version, s.owner_id, i.status, s.closes_at, s.status"
                            " FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id"
                            " WHERE i.token_hash = ? AND i.deleted_at IS NULL AND s.deleted_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, hash);
    int step = db_step(s);
    if (step == DB_ROW) {
        l->id = db_column_int64(s, 0);
        l->survey = db_column_int64(s, 1);
        l->contact = db_column_int64(s, 2);
        l->version = db_column_int64(s, 3);
        l->owner = db_column_is_null(s, 4) ? 0 : db_column_int64(s, 4);
        snprintf(l->status, sizeof l->status, "%s", db_column_is_null(s, 5) ? "" : db_column_text(s, 5));
        snprintf(l->expires, sizeof l->expires, "%s", db_column_is_null(s, 6) ? "" : db_column_text(s, 6));
        snprintf(l->survey_status, sizeof l->survey_status, "%s", db_column_is_null(s, 7) ? "" : db_column_text(s, 7));
    }
    db_finalize(s);
    if (step < 0) return db_failed(e);
    if (step != DB_ROW) return err_set(e, 404, "not_found", "问卷链接无效", "This survey link does not exist");
    if (strcmp(l->status, "answered") == 0)
        return err_set(e, 409, "already_answered", "这份问卷已经提交过了，感谢参与", "This survey was already answered. Thank you");
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (strcmp(l->survey_status, "open") != 0 || (l->expires[0] && strcmp(l->expires, now) < 0))
        return err_set(e, 410, "expired", "问卷调查已结束", "This survey has closed");
    return 0;
}

int surveys_link_user(db_conn *db, arena *a, const char *token, auth_user *u, err *e)
{
    link l;
    if (find_link(db, token, &l, e)) return -1;
    if (!l.owner || user_load(db, l.owner, a, u, e)) {
        err_clear(e);
        return err_set(e, 410, "expired", "问卷调查已结束", "This survey has closed");
    }
    return 0;
}

/* The choices of a question: its 选项 text, one a line, blank lines left out. */
static int choices_of(const json_t *q, arena *a, const char **out, int max)
{
    const char *text = text_of(q, "choices");
    int n = 0;
    while (text && *text && n < max) {
        size_t len = strcspn(text, "\n");
        const char *start = text;
        size_t l = len;
        while (l && (start[l - 1] == '\r' || start[l - 1] == ' ')) l--;
        while (l && *start == ' ') start++, l--;
        if (l) {
            char *copy = arena_alloc(a, l + 1);
            memcpy(copy, start, l);
            copy[l] = 0;
            out[n++] = copy;
        }
        text += len + (text[len] == '\n');
    }
    return n;
}

int surveys_form(entity_ctx *c, const char *token, strbuf *out, err *e)
{
    link l;
    if (find_link(c->db, token, &l, e)) return -1;
    json_t *survey = record_of(c, "surveys", l.survey, e);
    if (!survey) return -1;
    sb_append(out, "{\"title\":");
    sb_json_string(out, text_of(survey, "title"));
    sb_append(out, ",\"description\":");
    sb_json_string(out, text_of(survey, "description"));
    sb_append(out, ",\"expires_at\":");
    sb_json_string(out, l.expires[0] ? l.expires : NULL);
    sb_append(out, ",\"questions\":[");
    json_t *lines = json_object_get(survey, "questions"), *q;
    size_t i;
    json_array_foreach(lines, i, q) {
        sb_printf(out, "%s{\"id\":%lld,\"question\":", i ? "," : "", (long long)json_integer_value(json_object_get(q, "id")));
        sb_json_string(out, text_of(q, "question"));
        sb_append(out, ",\"kind\":");
        sb_json_string(out, text_of(q, "kind"));
        sb_printf(out, ",\"required\":%s,\"choices\":[", json_is_true(json_object_get(q, "required")) ? "true" : "false");
        const char *choices[CHOICES_MAX];
        int n = choices_of(q, c->a, choices, CHOICES_MAX);
        for (int k = 0; k < n; k++) {
            if (k) sb_putc(out, ',');
            sb_json_string(out, choices[k]);
        }
        sb_append(out, "]}");
    }
    sb_append(out, "]}");
    json_decref(survey);
    return 0;
}

static int is_choice(const char *v, const char **choices, int n)
{
    for (int k = 0; k < n; k++)
        if (v && strcmp(v, choices[k]) == 0) return 1;
    return 0;
}

/* One question's value into the stored answer text and score; 0 when it
 * is fine (or absent: *text NULL), else the reason for `fields`. */
static const char *check_answer(entity_ctx *c, const json_t *q, json_t *v, const char **text, int64_t *score)
{
    *text = NULL, *score = -1;
    const char *kind = text_of(q, "kind");
    int required = json_is_true(json_object_get(q, "required"));
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) || (json_is_array(v) && !json_array_size(v)))
        return required ? "required" : NULL;
    const char *choices[CHOICES_MAX];
    int n = choices_of(q, c->a, choices, CHOICES_MAX);
    if (kind && strcmp(kind, "single") == 0) {
        if (!json_is_string(v) || !is_choice(json_string_value(v), choices, n)) return "not_an_option";
        *text = json_string_value(v);
    } else if (kind && strcmp(kind, "multiple") == 0) {
        if (!json_is_array(v) || json_array_size(v) > (size_t)n) return "not_an_option";
        strbuf sb = STRBUF_INIT;
        size_t i, j;
        json_t *x;
        json_array_foreach(v, i, x) {
            int repeated = 0;
            for (j = 0; j < i; j++) repeated |= json_equal(x, json_array_get(v, j));
            if (!json_is_string(x) || !is_choice(json_string_value(x), choices, n) || repeated) return sb_free(&sb), "not_an_option";
            if (i) sb_putc(&sb, '\n');
            sb_append(&sb, json_string_value(x));
        }
        *text = arena_strdup(c->a, sb_str(&sb));
        sb_free(&sb);
    } else if (kind && strcmp(kind, "scale") == 0) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5) return "out_of_range";
        *score = json_integer_value(v);
        *text = arena_printf(c->a, "%lld", (long long)*score);
    } else {
        if (!json_is_string(v)) return "invalid_type";
        if (utf8_length(json_string_value(v), strlen(json_string_value(v))) > TEXT_MAX_CHARS) return "too_long";
        *text = json_string_value(v);
    }
    return NULL;
}

int surveys_answer(entity_ctx *c, const char *token, json_t *body, strbuf *out, err *e)
{
    link l;
    if (find_link(c->db, token, &l, e)) return -1;
    json_t *answers = json_object_get(body, "answers");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
        if (strcmp(key, "answers") != 0) err_add_field(e, key, "unknown");
    if (!json_is_object(answers)) err_add_field(e, "answers", "required");
    if (e->nfields) return err_set(e, 422, "validation_failed", "请提交 answers", "Send the answers");
    json_t *survey = record_of(c, "surveys", l.survey, e);
    if (!survey) return -1;
    json_t *lines = json_object_get(survey, "questions"), *q;
    json_object_foreach(answers, key, v) {
        int known = 0;
        size_t i;
        json_array_foreach(lines, i, q) known |= strcmp(key, arena_printf(c->a, "%lld", (long long)json_integer_value(json_object_get(q, "id")))) == 0;
        if (!known) err_add_field(e, arena_printf(c->a, "answers.%s", key), "unknown");
    }
    size_t nq = json_array_size(lines), i;
    const char **texts = arena_alloc(c->a, (nq + 1) * sizeof *texts);
    int64_t *scores = arena_alloc(c->a, (nq + 1) * sizeof *scores);
    json_array_foreach(lines, i, q) {
        const char *id = arena_printf(c->a, "%lld", (long long)json_integer_value(json_object_get(q, "id")));
        const char *why = check_answer(c, q, json_object_get(answers, id), &texts[i], &scores[i]);
        if (why) err_add_field(e, arena_printf(c->a, "answers.%s", id), why);
    }
    if (e->nfields) {
        json_decref(survey);
        return err_set(e, 422, "validation_failed", "有题目未答或答案无效，请检查后重新提交",
                       "Some answers are missing or invalid; please check them");
    }
    auth_user admin;
    entity_ctx sc = as_server(c, &admin);
    const entity_def *ans = meta_entity(c->m, "survey_answers"), *inv = meta_entity(c->m, "survey_invitations");
    int rc = db_begin(c->db, e), n = 0;
    json_array_foreach(lines, i, q) {
        if (rc || !texts[i]) continue;
        json_t *b = json_pack("{s:I,s:I,s:I,s:I,s:s}", "survey_id", (json_int_t)l.survey, "invitation_id", (json_int_t)l.id,
                              "contact_id", (json_int_t)l.contact, "question_id",
                              (json_int_t)json_integer_value(json_object_get(q, "id")), "answer", texts[i]);
        if (scores[i] > 0) json_object_set_new(b, "score", json_integer(scores[i]));
        int64_t made;
        rc = entity_create(&sc, ans, b, &made, e);
        json_decref(b);
        n += !rc;
    }
    char now[ISO_TIME_LEN];
    iso_now(now);
    json_t *done = json_pack("{s:s,s:s}", "status", "answered", "answered_at", now);
    /* the version read with the link: of two submissions at once one wins */
    if (!rc) rc = entity_update(&sc, inv, l.id, done, l.version, e);
    json_decref(done);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) {
        db_rollback(c->db);
        if (e->status == 409) {
            err_clear(e);
            err_set(e, 409, "already_answered", "这份问卷已经提交过了，感谢参与", "This survey was already answered. Thank you");
        }
    } else {
        sb_printf(out, "{\"answered\":%d}", n);
    }
    json_decref(survey);
    return rc ? -1 : 0;
}

/* ---- statistics ---- */

typedef struct tally {
    int64_t id, answered, sum;
    const char *choices[CHOICES_MAX];
    int64_t counts[CHOICES_MAX], scores[6];
    int nchoices, ntexts;
    const char *texts[TEXTS_SHOWN];
} tally;

static void count_answer(tally *t, const char *answer, int64_t score, int is_text, arena *a)
{
    t->answered++;
    if (score >= 1 && score <= 5) t->scores[score]++, t->sum += score;
    if (is_text) {
        if (t->ntexts < TEXTS_SHOWN) t->texts[t->ntexts++] = arena_strdup(a, answer);
        return;
    }
    while (answer && *answer) { /* one choice a line (multiple choice) */
        size_t len = strcspn(answer, "\n");
        for (int k = 0; k < t->nchoices; k++)
            if (strlen(t->choices[k]) == len && strncmp(t->choices[k], answer, len) == 0) t->counts[k]++;
        answer += len + (answer[len] == '\n');
    }
}

static void tally_json(strbuf *out, const json_t *q, const tally *t)
{
    sb_printf(out, "{\"id\":%lld,\"question\":", (long long)t->id);
    sb_json_string(out, text_of(q, "question"));
    sb_append(out, ",\"kind\":");
    sb_json_string(out, text_of(q, "kind"));
    sb_printf(out, ",\"answered\":%lld,\"choices\":[", (long long)t->answered);
    for (int k = 0; k < t->nchoices; k++) {
        sb_append(out, k ? ",{\"choice\":" : "{\"choice\":");
        sb_json_string(out, t->choices[k]);
        sb_printf(out, ",\"count\":%lld}", (long long)t->counts[k]);
    }
    sb_append(out, "],\"scores\":[");
    const char *kind = text_of(q, "kind");
    int scale = kind && strcmp(kind, "scale") == 0;
    for (int s = 1; scale && s <= 5; s++) sb_printf(out, "%s{\"score\":%d,\"count\":%lld}", s > 1 ? "," : "", s, (long long)t->scores[s]);
    sb_append(out, "],\"average\":");
    int64_t n = t->scores[1] + t->scores[2] + t->scores[3] + t->scores[4] + t->scores[5];
    if (scale && n) {
        int64_t hundredths = (t->sum * 200 + n) / (2 * n); /* half up, exact */
        sb_printf(out, "\"%lld.%02lld\"", (long long)(hundredths / 100), (long long)(hundredths % 100));
    } else {
        sb_append(out, "null");
    }
    sb_append(out, ",\"texts\":[");
    for (int k = 0; k < t->ntexts; k++) {
        if (k) sb_putc(out, ',');
        sb_json_string(out, t->texts[k]);
    }
    sb_append(out, "]}");
}

int surveys_statistics(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    json_t *survey = record_of(c, "surveys", id, e);
    if (!survey) return -1;
    json_t *lines = json_object_get(survey, "questions"), *q;
    size_t nq = json_array_size(lines), i;
    tally *t = arena_alloc(c->a, (nq + 1) * sizeof *t);
    memset(t, 0, (nq + 1) * sizeof *t);
    json_array_foreach(lines, i, q) {
        t[i].id = json_integer_value(json_object_get(q, "id"));
        t[i].nchoices = choices_of(q, c->a, t[i].choices, CHOICES_MAX);
    }
    query qq;
    query_init(&qq, c->a);
    query_sql(&qq, "SELECT t.question_id, t.answer, t.score FROM survey_answers t WHERE t.deleted_at IS NULL AND t.survey_id = ");
    query_bind_int(&qq, id);
    query_sql(&qq, " AND ");
    acl_company_predicate(c->user, "t", &qq);
    query_sql(&qq, " ORDER BY t.id DESC");
    db_stmt *s = db_prepare(c->db, sb_str(&qq.sql), e);
    if (!s) return json_decref(survey), query_free(&qq), -1;
    query_bind_all(&qq, s);
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        int64_t qid = db_column_int64(s, 0);
        for (i = 0; i < nq; i++) {
            if (t[i].id != qid) continue;
            const char *kind = text_of(json_array_get(lines, i), "kind");
            count_answer(&t[i], db_column_is_null(s, 1) ? "" : db_column_text(s, 1),
                         db_column_is_null(s, 2) ? -1 : db_column_int64(s, 2), kind && strcmp(kind, "text") == 0, c->a);
            break;
        }
    }
    db_finalize(s);
    query_free(&qq);
    if (step < 0) return json_decref(survey), db_failed(e);
    sb_printf(out, "{\"survey_id\":%lld,\"invited\":%lld,\"answered\":%lld,\"questions\":[", (long long)id,
              (long long)json_integer_value(json_object_get(survey, "invited_count")),
              (long long)json_integer_value(json_object_get(survey, "answered_count")));
    json_array_foreach(lines, i, q) {
        if (i) sb_putc(out, ',');
        tally_json(out, q, &t[i]);
    }
    sb_append(out, "]}");
    json_decref(survey);
    return 0;
}
