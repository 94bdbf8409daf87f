/* imports.c - importing a spreadsheet into any entity, in steps the web
 * wizard shows (上传 → 字段对应 → 预览 → 导入 → 结果):
 *   POST /api/v1/{entity}/import/preview   body: the file (CSV or .xlsx)
 *        -> {"id", "headers", "mapping" (suggested), "rows" (first 20), "total", "fields"}
 *   POST /api/v1/imports/{id}/run          {"mapping":{header: field|null}, "duplicates":
 *        "skip"|"update"|"create", "match": field, "all_or_nothing": bool} -> 202 the job
 *   GET  /api/v1/imports/{id}              the job: status, counts, per-row errors
 *   POST /api/v1/{entity}/import?duplicates=&match=&all_or_nothing=&wait=true
 *        body: the file; the suggested mapping; one call (scripts, integrations)
 * Imports run in a thread of their own with their own database connection,
 * so the page polls progress while 100k rows go in. Jobs live in memory
 * (an hour after they end) and belong to the user who uploaded. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../acl/acl.h"
#include "../entity/meta_load.h"
#include "../util/multipart.h"
#include "api.h"

#define MAX_JOBS 64
#define JOBS_PER_USER 4         /* a user's fifth upload replaces their oldest one */
#define JOB_KEEP_SECONDS 3600   /* results stay readable for an hour */
#define JOB_PROTECT_SECONDS 600 /* others' uploads and results are not taken for ten minutes */

typedef enum { JOB_READY, JOB_RUNNING, JOB_DONE, JOB_FAILED } job_state;
static const char *const STATE_NAMES[] = {"ready", "running", "done", "failed"};

typedef struct import_job {
    char id[33];
    int64_t user_id;
    auth_user user; /* a copy: the request that started the job is gone */
    char username[128], name[128], lang[4];
    char entity[64];
    const char *db_url;
    data_table table;
    import_options opts;
    char *mapped[TABLE_MAX_COLS];
    _Atomic int state;
    import_progress pr;
    err e;
    time_t created, ended;
    pthread_t thread;
    int joinable;
    /* Under jobs_lock: every pointer handed out holds a reference; a job
     * leaves the registry (listed = 0) when replaced, dropped or stale, and
     * is freed with its last reference. A running job is never unlisted. */
    int refs, listed;
} import_job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static import_job *jobs[MAX_JOBS];

static void job_free(import_job *j)
{
    table_free(&j->table);
    for (int i = 0; i < TABLE_MAX_COLS; i++) free(j->mapped[i]);
    json_decref(j->pr.errors);
    pthread_mutex_destroy(&j->pr.lock);
    free(j);
}

/* Called with jobs_lock held, for a job that is not running. */
static void job_destroy(import_job *j)
{
    if (j->joinable) pthread_join(j->thread, NULL);
    job_free(j);
}

/* Takes slot i's job out of the registry (jobs_lock held). */
static void unlist(int i)
{
    import_job *j = jobs[i];
    jobs[i] = NULL;
    j->listed = 0;
    if (!j->refs) job_destroy(j);
}

/* Gives back a reference from job_new or job_find. */
static void job_put(import_job *j)
{
    pthread_mutex_lock(&jobs_lock);
    if (--j->refs == 0 && !j->listed) job_destroy(j);
    pthread_mutex_unlock(&jobs_lock);
}

static time_t job_age(const import_job *j, time_t now)
{
    return now - (j->ended ? j->ended : j->created);
}

/* Joins the threads of ended jobs; unlists jobs past their keeping time.
 * Called with jobs_lock held. */
static void reap(void)
{
    time_t now = time(NULL);
    for (int i = 0; i < MAX_JOBS; i++) {
        import_job *j = jobs[i];
        if (!j || atomic_load(&j->state) == JOB_RUNNING) continue;
        if (j->joinable) pthread_join(j->thread, NULL), j->joinable = 0;
        if (job_age(j, now) > JOB_KEEP_SECONDS) unlist(i);
    }
}

/* The slot for a new job of user_id (jobs_lock held), or -1: a free one;
 * with JOBS_PER_USER already, the user's own oldest idle or ended job;
 * else another user's job idle or ended for a while - so one user's many
 * uploads never take away what others are working on. */
static int free_slot(int64_t user_id)
{
    time_t now = time(NULL);
    int empty = -1, mine = 0, my_oldest = -1, other_oldest = -1;
    for (int i = 0; i < MAX_JOBS; i++) {
        import_job *j = jobs[i];
        if (!j) {
            if (empty < 0) empty = i;
            continue;
        }
        int idle = atomic_load(&j->state) != JOB_RUNNING;
        if (j->user_id == user_id) {
            mine++;
            if (idle && (my_oldest < 0 || j->created < jobs[my_oldest]->created)) my_oldest = i;
        } else if (idle && job_age(j, now) > JOB_PROTECT_SECONDS &&
                   (other_oldest < 0 || j->created < jobs[other_oldest]->created)) {
            other_oldest = i;
        }
    }
    int slot = mine >= JOBS_PER_USER ? my_oldest : empty >= 0 ? empty : other_oldest;
    if (slot >= 0 && jobs[slot]) unlist(slot);
    return slot;
}

void api_imports_shutdown(void)
{
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS; i++) /* the requests have ended: no references are left */
        if (jobs[i]) jobs[i]->refs = 0, unlist(i);
    pthread_mutex_unlock(&jobs_lock);
}

/* A new job in the registry, with a reference for the caller, or NULL when
 * there is no room. */
static import_job *job_new(http_request *req, const char *entity)
{
    import_job *j = calloc(1, sizeof *j);
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(j->id, sizeof j->id, raw, sizeof raw);
    j->user_id = req->user->id;
    j->user = *req->user;
    snprintf(j->username, sizeof j->username, "%s", req->user->username ? req->user->username : "");
    snprintf(j->name, sizeof j->name, "%s", req->user->name ? req->user->name : "");
    j->user.username = j->username;
    j->user.name = j->name;
    j->user.csrf_token = NULL;
    snprintf(j->lang, sizeof j->lang, "%s", req->lang);
    snprintf(j->entity, sizeof j->entity, "%s", entity);
    j->db_url = req->app->cfg.db_url;
    j->created = time(NULL);
    pthread_mutex_init(&j->pr.lock, NULL);
    j->pr.errors = json_array();
    j->refs = 1; /* the caller's */
    j->listed = 1;
    pthread_mutex_lock(&jobs_lock);
    reap();
    int slot = free_slot(j->user_id);
    if (slot >= 0) jobs[slot] = j;
    pthread_mutex_unlock(&jobs_lock);
    if (slot < 0) {
        job_free(j);
        return NULL;
    }
    return j;
}

/* Forgets an upload that will never run (a bad file), and the caller's
 * reference. */
static void job_drop(import_job *j)
{
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] == j) jobs[i] = NULL, j->listed = 0;
    pthread_mutex_unlock(&jobs_lock);
    job_put(j);
}

/* The caller's job by id (another user's is "not found"), with a
 * reference to give back with job_put. */
static import_job *job_find(http_request *req, const char *id)
{
    import_job *found = NULL;
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] && id && strcmp(jobs[i]->id, id) == 0 && jobs[i]->user_id == req->user->id) found = jobs[i];
    if (found) found->refs++;
    pthread_mutex_unlock(&jobs_lock);
    return found;
}

static void job_json(const import_job *j, strbuf *b)
{
    import_job *m = (import_job *)j;
    sb_append(b, "{\"id\":");
    sb_json_string(b, j->id);
    sb_append(b, ",\"entity\":");
    sb_json_string(b, j->entity);
    sb_printf(b, ",\"status\":\"%s\",\"total\":%ld,\"processed\":%ld,\"created\":%ld,\"updated\":%ld,"
                 "\"skipped\":%ld,\"failed\":%ld,\"errors\":",
              STATE_NAMES[atomic_load(&j->state)], atomic_load(&j->pr.total), atomic_load(&j->pr.processed),
              atomic_load(&j->pr.created), atomic_load(&j->pr.updated), atomic_load(&j->pr.skipped),
              atomic_load(&j->pr.failed));
    pthread_mutex_lock(&m->pr.lock);
    char *errors = json_dumps(j->pr.errors, JSON_COMPACT);
    pthread_mutex_unlock(&m->pr.lock);
    sb_append(b, errors ? errors : "[]");
    free(errors);
    if (atomic_load(&j->state) == JOB_FAILED) {
        sb_append(b, ",\"message\":");
        sb_json_string(b, err_message(&j->e, j->lang));
    }
    sb_putc(b, '}');
}

/* ---- running ---- */

static void *run_job(void *arg)
{
    import_job *j = arg;
    err_clear(&j->e);
    db_conn *db = db_open(j->db_url, &j->e);
    int rc = -1;
    if (db) {
        arena *a = arena_new();
        entity_ctx c = {.db = db, .a = a, .m = meta_current(), .user = &j->user, .lang = j->lang};
        const entity_def *ent = meta_entity(c.m, j->entity);
        if (ent) {
            /* the match field may belong to metadata that has since changed */
            if (j->opts.match) j->opts.match = meta_field(ent, j->opts.match->name);
            rc = entity_import(&c, ent, &j->table, &j->opts, &j->pr, &j->e);
        }
        arena_free(a);
        db_close(db);
    }
    table_free(&j->table); /* the rows are in the database now (or not at all) */
    j->ended = time(NULL);
    atomic_store(&j->state, rc ? JOB_FAILED : JOB_DONE);
    return NULL;
}

/* Reads {"mapping","duplicates","match","all_or_nothing"} (from a body or
 * query parameters) into the job's options; 422 on anything unknown. */
static int job_options(import_job *j, const entity_def *ent, json_t *mapping, const char *duplicates,
                       const char *match, int all_or_nothing, err *e)
{
    int ncols = j->table.ncols[0];
    import_options *o = &j->opts;
    o->ncols = ncols;
    o->fields = (const char **)j->mapped;
    for (int col = 0; col < ncols; col++) {
        const char *header = table_cell(&j->table, 0, col);
        json_t *f = mapping ? json_object_get(mapping, header) : NULL;
        /* the first column of a header gets it; a repeated header is ignored */
        for (int k = 0; k < col && f; k++)
            if (strcmp(table_cell(&j->table, 0, k), header) == 0) f = NULL;
        if (f && !json_is_null(f) && !json_is_string(f)) {
            err_add_field(e, "mapping", "invalid");
            return err_set(e, 422, "validation_failed", "mapping 须为 {表头: 字段名或 null}", "mapping is {header: field or null}");
        }
        free(j->mapped[col]);
        j->mapped[col] = json_is_string(f) && *json_string_value(f) ? strdup(json_string_value(f)) : NULL;
    }
    const char *const POLICIES[] = {"skip", "update", "create"};
    o->duplicates = IMPORT_SKIP;
    int known = !duplicates;
    for (int i = 0; i < 3 && duplicates; i++)
        if (strcmp(duplicates, POLICIES[i]) == 0) o->duplicates = (import_duplicates)i, known = 1;
    if (!known) {
        err_add_field(e, "duplicates", "not_an_option");
        return err_set(e, 422, "validation_failed", "duplicates 只能是 skip、update 或 create", "duplicates is skip, update or create");
    }
    const char *m = match && *match ? match : ent->name_field;
    o->match = m ? meta_field(ent, m) : NULL;
    if (match && *match && (!o->match || !field_is_textual(o->match))) {
        err_add_field(e, "match", "invalid");
        return err_set(e, 422, "validation_failed", "查重字段须为文本字段", "The match field must be a text field");
    }
    o->all_or_nothing = all_or_nothing;
    return 0;
}

/* Takes a ready job for this request: of two runs of one upload at once,
 * one wins. unclaim() gives it back when its options are refused. */
static int claim(import_job *j)
{
    int ready = JOB_READY;
    return atomic_compare_exchange_strong(&j->state, &ready, JOB_RUNNING);
}

static void unclaim(import_job *j)
{
    atomic_store(&j->state, JOB_READY);
}

/* Starts a claimed job's thread. */
static int start(import_job *j, err *e)
{
    if (pthread_create(&j->thread, NULL, run_job, j) != 0) {
        unclaim(j);
        return err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The server is busy; please retry");
    }
    j->joinable = 1;
    return 0;
}

/* ---- handlers ---- */

/* The uploaded file as a parsed table in a new job. */
static import_job *upload(http_request *req, http_response *res, entity_ctx *c, const entity_def **ent)
{
    api_entity_ctx(req, c);
    *ent = api_entity(req, res, c, req->params[0]);
    if (!*ent) return NULL;
    err e;
    err_clear(&e);
    if ((*ent)->is_system || !acl_can(req->user, *ent, ACL_IMPORT)) {
        err_setf(&e, 403, "forbidden", "没有导入「%s」的权限%.0s", "%.0sNo permission to import %s", (*ent)->label_zh,
                 (*ent)->label_en);
        http_error(req, res, &e);
        return NULL;
    }
    import_job *j = job_new(req, (*ent)->name);
    if (!j) {
        http_fail(req, res, 503, "busy", "同时进行的导入过多，请稍后再试", "Too many imports at once; please retry later");
        return NULL;
    }
    /* The file is the body itself, or the file part of a form upload. */
    multipart_file file = {req->body, req->body_len};
    const char *ct = http_header(req, "Content-Type");
    if (multipart_is_form(ct) && multipart_find_file(ct, req->body, req->body_len, &file)) {
        job_drop(j);
        http_fail(req, res, 422, "bad_file", "表单中没有可读取的文件（multipart/form-data 需要一个带文件名的部分）",
                  "The form holds no readable file (multipart/form-data needs a part with a filename)");
        return NULL;
    }
    if (table_read(file.data, file.len, &j->table, &e)) {
        job_drop(j);
        http_error(req, res, &e);
        return NULL;
    }
    if (j->table.nrows < 2) {
        job_drop(j);
        http_fail(req, res, 422, "bad_file", "文件只有表头，没有数据行", "The file has a header row but no data");
        return NULL;
    }
    return j;
}

static void preview(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    import_job *j = upload(req, res, &c, &ent);
    if (!j) return;
    err e;
    err_clear(&e);
    strbuf body = STRBUF_INIT;
    if (entity_import_preview(&c, ent, &j->table, &body, &e)) {
        sb_free(&body);
        job_drop(j);
        return http_error(req, res, &e);
    }
    sb_append(&res->body, "{\"id\":");
    sb_json_string(&res->body, j->id);
    sb_putc(&res->body, ',');
    sb_append(&res->body, sb_str(&body) + 1);
    sb_free(&body);
    job_put(j);
    http_json(res, 200);
}

static int flag(const char *v)
{
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Waits for a job (the one-shot import with wait=true), up to 10 minutes. */
static void wait_for(import_job *j)
{
    for (int i = 0; i < 600 * 20 && atomic_load(&j->state) == JOB_RUNNING; i++) usleep(50000);
}

static void import_now(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    import_job *j = upload(req, res, &c, &ent);
    if (!j) return;
    err e;
    err_clear(&e);
    /* The suggested mapping: headers matched to fields by label or name. */
    strbuf pv = STRBUF_INIT;
    json_t *preview_json = entity_import_preview(&c, ent, &j->table, &pv, &e) == 0 ? json_loads(sb_str(&pv), 0, NULL) : NULL;
    sb_free(&pv);
    claim(j); /* a new upload: nobody else knows its id yet */
    int rc = !preview_json ||
             job_options(j, ent, json_object_get(preview_json, "mapping"), http_query(req, "duplicates"),
                         http_query(req, "match"), flag(http_query(req, "all_or_nothing")), &e) ||
             entity_import_check(&c, ent, &j->opts, &e) || start(j, &e);
    json_decref(preview_json);
    if (rc) {
        unclaim(j);
        job_drop(j);
        return http_error(req, res, &e);
    }
    if (flag(http_query(req, "wait"))) wait_for(j);
    job_json(j, &res->body);
    http_json(res, atomic_load(&j->state) == JOB_RUNNING ? 202 : 200);
    job_put(j);
}

static void run(http_request *req, http_response *res)
{
    import_job *j = job_find(req, req->params[0]);
    if (!j) return http_fail(req, res, 404, "not_found", "导入任务不存在", "No such import");
    json_t *body = http_json_body(req, res);
    if (!body) return job_put(j);
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = meta_entity(c.m, j->entity);
    err e;
    err_clear(&e);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
        if (strcmp(key, "mapping") && strcmp(key, "duplicates") && strcmp(key, "match") && strcmp(key, "all_or_nothing"))
            err_add_field(&e, key, "unknown");
    json_t *mapping = json_object_get(body, "mapping"), *dup = json_object_get(body, "duplicates"),
           *match = json_object_get(body, "match"), *aon = json_object_get(body, "all_or_nothing");
    int rc = -1;
    if (e.nfields || !json_is_object(mapping) || (dup && !json_is_string(dup)) || (match && !json_is_string(match)) ||
        (aon && !json_is_boolean(aon))) {
        if (!e.nfields) err_add_field(&e, "mapping", "invalid_type");
        err_set(&e, 422, "validation_failed", "需要 mapping（表头对应字段），duplicates、match、all_or_nothing 可选",
                "mapping (header to field) is required; duplicates, match and all_or_nothing are optional");
    } else if (!ent) {
        err_set(&e, 404, "not_found", "导入任务不存在", "No such import");
    } else if (!claim(j)) {
        err_set(&e, 409, "conflict", "该导入已经开始或已结束，请重新上传", "This import has already run; upload the file again");
    } else {
        rc = job_options(j, ent, mapping, json_string_value(dup), json_string_value(match), json_is_true(aon), &e) ||
             entity_import_check(&c, ent, &j->opts, &e) || start(j, &e);
        if (rc) unclaim(j);
    }
    json_decref(body);
    if (!rc) job_json(j, &res->body);
    job_put(j);
    if (rc) return http_error(req, res, &e);
    http_json(res, 202);
}

static void status(http_request *req, http_response *res)
{
    import_job *j = job_find(req, req->params[0]);
    if (!j) return http_fail(req, res, 404, "not_found", "导入任务不存在", "No such import");
    job_json(j, &res->body);
    job_put(j);
    http_json(res, 200);
}

const route api_import_routes[] = {
    {"POST", "/api/v1/:entity/import/preview", preview, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/:entity/import", import_now, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/imports/:id/run", run, 0},
    {"GET", "/api/v1/imports/:id", status, 0},
    {0},
};
