/* import_jobs.c - see import_jobs.h. Jobs live in the import_jobs table
 * with the uploaded file, so whichever `kehu serve` process gets the next
 * request of the wizard can answer it (DESIGN: uploads and all state in the
 * database). A job runs in a thread of the process that started it, with
 * its own connection; that process answers its progress from memory, and a
 * writer thread copies the progress to the table twice a second for the
 * others - the heartbeat that also tells a job cut off by a restart. Jobs
 * belong to their uploader and are forgotten an hour after they end (a day
 * when never run). */
#include "import_jobs.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/clock.h"
#include "meta_load.h"

#define RUNNING_MAX 8          /* imports running at once in one process */
#define JOBS_PER_USER 4        /* uploads waiting to run: the fifth replaces the oldest */
#define JOB_KEEP_SECONDS 3600  /* results stay readable for an hour */
#define UPLOAD_KEEP_SECONDS 86400
#define HEARTBEAT_US 500000
#define STALE_SECONDS 60 /* a running job not heard of for this long was cut off */

static const char *const STATE_NAMES[] = {"ready", "running", "done", "failed"};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_ended = PTHREAD_COND_INITIALIZER;
static import_job *running[RUNNING_MAX];

static void job_free(import_job *j)
{
    table_free(&j->table);
    for (int i = 0; i < TABLE_MAX_COLS; i++) free(j->mapped[i]);
    json_decref(j->pr.errors);
    json_decref(j->pr.skipped_rows);
    for (size_t i = 0; i < j->pr.nfailures; i++) free(j->pr.failures[i].message);
    free(j->pr.failures);
    sb_free(&j->failed_file);
    pthread_mutex_destroy(&j->pr.lock);
    free(j);
}

void import_job_put(import_job *j)
{
    pthread_mutex_lock(&jobs_lock);
    int last = --j->refs == 0;
    pthread_mutex_unlock(&jobs_lock);
    if (last) job_free(j);
}

import_job *import_job_find(const char *id, int64_t user_id)
{
    import_job *found = NULL;
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < RUNNING_MAX; i++)
        if (running[i] && id && strcmp(running[i]->id, id) == 0 && running[i]->user_id == user_id) found = running[i];
    if (found) found->refs++;
    pthread_mutex_unlock(&jobs_lock);
    return found;
}

void import_jobs_shutdown(void)
{
    pthread_mutex_lock(&jobs_lock);
    for (;;) {
        int any = 0;
        for (int i = 0; i < RUNNING_MAX; i++) any |= running[i] != NULL;
        if (!any) break;
        pthread_cond_wait(&jobs_ended, &jobs_lock);
    }
    pthread_mutex_unlock(&jobs_lock);
}

import_job *import_job_new(const auth_user *u, const char *lang, const char *entity, const char *db_url)
{
    import_job *j = calloc(1, sizeof *j);
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(j->id, sizeof j->id, raw, sizeof raw);
    j->user_id = u->id;
    j->user = *u;
    snprintf(j->username, sizeof j->username, "%s", u->username ? u->username : "");
    snprintf(j->name, sizeof j->name, "%s", u->name ? u->name : "");
    j->user.username = j->username;
    j->user.name = j->name;
    j->user.csrf_token = NULL;
    snprintf(j->lang, sizeof j->lang, "%s", lang);
    snprintf(j->entity, sizeof j->entity, "%s", entity);
    j->db_url = db_url;
    j->refs = 1;
    pthread_mutex_init(&j->pr.lock, NULL);
    j->pr.errors = json_array();
    j->pr.skipped_rows = json_array();
    return j;
}

/* ---- the import_jobs table ---- */

static int job_db_fail(int rc, err *e)
{
    return rc == DB_ERR_BUSY ? err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The database is busy; please retry")
                             : err_set(e, 500, "db_error", "读写导入任务失败", "Cannot store the import");
}

/* Forgets jobs past their keeping time (a running one whose process
 * stopped a day ago too), and the user's oldest waiting
 * uploads beyond JOBS_PER_USER - 1 (a new one is about to come). */
static void forget_old(db_conn *db, int64_t user_id)
{
    char ended[ISO_TIME_LEN], uploaded[ISO_TIME_LEN];
    iso_time(time(NULL) - JOB_KEEP_SECONDS, ended);
    iso_time(time(NULL) - UPLOAD_KEEP_SECONDS, uploaded);
    db_stmt *s = db_prepare(db,
                            "DELETE FROM import_jobs WHERE (state IN ('done', 'failed') AND ended_at < ?)"
                            " OR (state IN ('ready', 'running') AND updated_at < ?)", /* running: cut off long ago */
                            NULL);
    if (s) {
        db_bind_text(s, 1, ended);
        db_bind_text(s, 2, uploaded);
        db_step(s);
        db_finalize(s);
    }
    s = db_prepare(db,
                   "DELETE FROM import_jobs WHERE user_id = ? AND state = 'ready' AND n NOT IN"
                   " (SELECT n FROM import_jobs WHERE user_id = ? AND state = 'ready' ORDER BY n DESC LIMIT ?)",
                   NULL);
    if (s) {
        db_bind_int64(s, 1, user_id);
        db_bind_int64(s, 2, user_id);
        db_bind_int64(s, 3, JOBS_PER_USER - 1);
        db_step(s);
        db_finalize(s);
    }
}

/* Stores a new job: the upload (file, base64) waiting to run, or, with
 * file NULL, one that starts at once. */
static int store_job(db_conn *db, const import_job *j, const char *file, size_t len, job_state state, err *e)
{
    forget_old(db, j->user_id);
    char now[ISO_TIME_LEN];
    iso_now(now);
    char *b64 = NULL;
    if (file) {
        size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
        b64 = malloc(cap);
        sodium_bin2base64(b64, cap, (const unsigned char *)file, len, sodium_base64_VARIANT_ORIGINAL);
    }
    db_stmt *s = db_prepare(db,
                            "INSERT INTO import_jobs(id, user_id, entity, lang, state, file, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            e);
    int rc = -1;
    if (s) {
        db_bind_text(s, 1, j->id);
        db_bind_int64(s, 2, j->user_id);
        db_bind_text(s, 3, j->entity);
        db_bind_text(s, 4, j->lang);
        db_bind_text(s, 5, STATE_NAMES[state]);
        db_bind_text(s, 6, b64);
        db_bind_text(s, 7, now);
        db_bind_text(s, 8, now);
        int step = db_step(s);
        db_finalize(s);
        rc = step < 0 ? job_db_fail(step, e) : 0;
    }
    free(b64);
    return rc;
}

/* Copies the progress to the table; with final, the end state too (and the
 * file goes). Best effort while running: a busy database skips a beat. */
static int write_progress(db_conn *db, import_job *j, int final, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    pthread_mutex_lock(&j->pr.lock);
    char *errors = json_dumps(j->pr.errors, JSON_COMPACT);
    char *skipped = json_dumps(j->pr.skipped_rows, JSON_COMPACT);
    pthread_mutex_unlock(&j->pr.lock);
    int state = atomic_load(&j->state);
    db_stmt *s = db_prepare(db,
                            final ? "UPDATE import_jobs SET total = ?, processed = ?, created = ?, updated = ?, skipped = ?,"
                                    " failed = ?, errors = ?, skipped_rows = ?, updated_at = ?, state = ?, message = ?,"
                                    " ended_at = ?, failed_file = ?, failed_format = ?, file = NULL WHERE id = ?"
                                  /* a beat late behind the final write must not undo it */
                                  : "UPDATE import_jobs SET total = ?, processed = ?, created = ?, updated = ?, skipped = ?,"
                                    " failed = ?, errors = ?, skipped_rows = ?, updated_at = ? WHERE id = ? AND state = 'running'",
                            e);
    if (!s) return free(errors), free(skipped), -1;
    int k = 1;
    db_bind_int64(s, k++, atomic_load(&j->pr.total));
    db_bind_int64(s, k++, atomic_load(&j->pr.processed));
    db_bind_int64(s, k++, atomic_load(&j->pr.created));
    db_bind_int64(s, k++, atomic_load(&j->pr.updated));
    db_bind_int64(s, k++, atomic_load(&j->pr.skipped));
    db_bind_int64(s, k++, atomic_load(&j->pr.failed));
    db_bind_text(s, k++, errors ? errors : "[]");
    db_bind_text(s, k++, skipped ? skipped : "[]");
    db_bind_text(s, k++, now);
    char *file = NULL;
    if (final) {
        db_bind_text(s, k++, STATE_NAMES[state]);
        db_bind_text(s, k++, state == JOB_FAILED ? err_message(&j->e, j->lang) : NULL);
        db_bind_text(s, k++, now);
        if (j->failed_file.len) { /* base64, as uploads are kept */
            size_t n = sodium_base64_ENCODED_LEN(j->failed_file.len, sodium_base64_VARIANT_ORIGINAL);
            file = malloc(n);
            sodium_bin2base64(file, n, (const unsigned char *)j->failed_file.data, j->failed_file.len,
                              sodium_base64_VARIANT_ORIGINAL);
        }
        db_bind_text(s, k++, file);
        db_bind_text(s, k++, file ? (j->failed_xlsx ? "xlsx" : "csv") : NULL);
    }
    db_bind_text(s, k, j->id);
    int step = db_step(s);
    db_finalize(s);
    free(errors);
    free(skipped);
    free(file);
    return step < 0 ? job_db_fail(step, e) : 0;
}

int import_job_stored_json(db_conn *db, const char *id, int64_t user_id, strbuf *b, err *e)
{
    db_stmt *s = db_prepare(db,
                            "SELECT entity, state, total, processed, created, updated, skipped, failed, errors, message,"
                            " updated_at, lang, skipped_rows, failed_file IS NOT NULL FROM import_jobs"
                            " WHERE id = ? AND user_id = ?",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, id);
    db_bind_int64(s, 2, user_id);
    int step = db_step(s);
    if (step != DB_ROW) {
        db_finalize(s);
        return step < 0 ? job_db_fail(step, e) : err_set(e, 404, "not_found", "导入任务不存在", "No such import");
    }
    const char *state = db_column_text(s, 1), *message = db_column_is_null(s, 9) ? NULL : db_column_text(s, 9);
    char stale[ISO_TIME_LEN];
    iso_time(time(NULL) - STALE_SECONDS, stale);
    /* Running, but its process has not written for a while: it stopped. */
    int cut_off = strcmp(state, "running") == 0 && strcmp(db_column_text(s, 10), stale) < 0;
    sb_append(b, "{\"id\":");
    sb_json_string(b, id);
    sb_append(b, ",\"entity\":");
    sb_json_string(b, db_column_text(s, 0));
    sb_printf(b, ",\"status\":\"%s\",\"total\":%lld,\"processed\":%lld,\"created\":%lld,\"updated\":%lld,"
                 "\"skipped\":%lld,\"failed\":%lld,\"errors\":%s",
              cut_off ? "failed" : state, (long long)db_column_int64(s, 2), (long long)db_column_int64(s, 3),
              (long long)db_column_int64(s, 4), (long long)db_column_int64(s, 5), (long long)db_column_int64(s, 6),
              (long long)db_column_int64(s, 7), db_column_is_null(s, 8) ? "[]" : db_column_text(s, 8));
    sb_printf(b, ",\"skipped_rows\":%s,\"failed_file\":%s", db_column_is_null(s, 12) ? "[]" : db_column_text(s, 12),
              db_column_int64(s, 13) ? "true" : "false");
    if (cut_off)
        message = strcmp(db_column_text(s, 11), "en") == 0
                      ? "The import was cut off (the server restarted or failed); rows saved so far are in the list"
                      : "导入被中断（服务重启或出错），已保存的行请在列表中查看";
    if (message) sb_append(b, ",\"message\":"), sb_json_string(b, message);
    sb_putc(b, '}');
    db_finalize(s);
    return 0;
}

/* Reads the importer's choices (from a body or query parameters) into the
 * job's options, with `mapping` for the columns; 422 on anything unknown. */
static int job_options(import_job *j, const entity_def *ent, json_t *mapping, const import_request *rq, err *e)
{
    const char *duplicates = rq->duplicates, *match = rq->match;
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
    o->all_or_nothing = rq->all_or_nothing;
    o->set_owner = rq->set_owner;
    o->owner_id = rq->owner_id;
    return 0;
}


void import_job_json(const import_job *j, strbuf *b)
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
    char *skipped = json_dumps(j->pr.skipped_rows, JSON_COMPACT);
    pthread_mutex_unlock(&m->pr.lock);
    sb_append(b, errors ? errors : "[]");
    sb_printf(b, ",\"skipped_rows\":%s,\"failed_file\":%s", skipped ? skipped : "[]",
              atomic_load(&j->state) == JOB_DONE && j->failed_file.len ? "true" : "false");
    free(errors);
    free(skipped);
    if (atomic_load(&j->state) == JOB_FAILED) {
        sb_append(b, ",\"message\":");
        sb_json_string(b, err_message(&j->e, j->lang));
    }
    sb_putc(b, '}');
}

/* ---- running ---- */

/* Copies the progress to the table while the job runs (the heartbeat). */
static void *progress_writer(void *arg)
{
    import_job *j = arg;
    err e;
    err_clear(&e);
    db_conn *db = db_open(j->db_url, &e);
    while (atomic_load(&j->state) == JOB_RUNNING) {
        usleep(HEARTBEAT_US);
        err_clear(&e);
        if (db && atomic_load(&j->state) == JOB_RUNNING) write_progress(db, j, 0, &e);
    }
    if (db) db_close(db);
    import_job_put(j);
    return NULL;
}

/* The rows that failed, to be corrected and imported again. Made before
 * the job is done, so whoever sees it done finds the file. */
static void failed_rows_file(import_job *j)
{
    err e;
    err_clear(&e);
    j->failed_xlsx = j->table.xlsx;
    if (entity_export_failed_rows(&j->table, j->pr.failures, j->pr.nfailures,
                                  strcmp(j->lang, "en") == 0 ? "Error" : "错误原因", &j->failed_file, &e))
        sb_free(&j->failed_file); /* the errors list still says which rows */
}

static void *run_job(void *arg)
{
    import_job *j = arg;
    err_clear(&j->e);
    db_conn *db = db_open(j->db_url, &j->e);
    int rc = -1;
    if (db) {
        arena *a = arena_new();
        entity_ctx c = {.db = db, .a = a, .m = meta_for_company(db, j->user.company_id), .user = &j->user,
                        .lang = j->lang};
        const entity_def *ent = meta_entity(c.m, j->entity);
        if (ent) {
            /* the match field may belong to metadata that has since changed */
            if (j->opts.match) j->opts.match = meta_field(ent, j->opts.match->name);
            rc = entity_import(&c, ent, &j->table, &j->opts, &j->pr, &j->e);
        }
        arena_free(a);
    }
    if (!rc && j->pr.nfailures) failed_rows_file(j);
    table_free(&j->table); /* the rows are in the database now (or not at all) */
    atomic_store(&j->state, rc ? JOB_FAILED : JOB_DONE);
    if (db) {
        err ignored;
        err_clear(&ignored);
        /* SQLite may be busy a moment (the heartbeat): the end must land. */
        for (int i = 0; i < 20 && write_progress(db, j, 1, &ignored); i++) usleep(100000), err_clear(&ignored);
        db_close(db);
    }
    /* Now the table has it all: this process stops answering for it. */
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < RUNNING_MAX; i++)
        if (running[i] == j) running[i] = NULL;
    pthread_cond_broadcast(&jobs_ended);
    pthread_mutex_unlock(&jobs_lock);
    import_job_put(j);
    return NULL;
}

/* Starts a job whose row says running: registered here, its thread and
 * its progress writer started (each holding a reference). */
static int start(import_job *j, err *e)
{
    pthread_mutex_lock(&jobs_lock);
    int slot = -1;
    for (int i = 0; i < RUNNING_MAX && slot < 0; i++)
        if (!running[i]) slot = i;
    if (slot >= 0) running[slot] = j, j->refs += 2;
    pthread_mutex_unlock(&jobs_lock);
    if (slot < 0) return err_set(e, 503, "busy", "同时进行的导入过多，请稍后再试", "Too many imports at once; please retry later");
    atomic_store(&j->state, JOB_RUNNING);
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int ok = pthread_create(&t, &detached, run_job, j) == 0;
    if (ok && pthread_create(&t, &detached, progress_writer, j) != 0) import_job_put(j); /* no heartbeat: still runs */
    pthread_attr_destroy(&detached);
    if (ok) return 0;
    pthread_mutex_lock(&jobs_lock);
    running[slot] = NULL;
    j->refs -= 2;
    pthread_cond_broadcast(&jobs_ended);
    pthread_mutex_unlock(&jobs_lock);
    atomic_store(&j->state, JOB_READY);
    return err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The server is busy; please retry");
}

/* Takes a waiting upload for this run: of two runs at once (in any two
 * processes), one wins. */
static int claim(db_conn *db, const import_job *j, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(db,
                            "UPDATE import_jobs SET state = 'running', updated_at = ?"
                            " WHERE id = ? AND user_id = ? AND state = 'ready'",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, j->id);
    db_bind_int64(s, 3, j->user_id);
    int step = db_step(s);
    int64_t changed = step < 0 ? 0 : db_changes(s);
    db_finalize(s);
    if (step < 0) return job_db_fail(step, e);
    return changed == 1 ? 0
                        : err_set(e, 409, "conflict", "该导入已经开始或已结束，请重新上传",
                                  "This import has already run; upload the file again");
}

/* Undoes a claim or a started job's row when the thread could not start. */
static void unstart(db_conn *db, const import_job *j, int had_upload)
{
    db_stmt *s = db_prepare(db, had_upload ? "UPDATE import_jobs SET state = 'ready' WHERE id = ?"
                                           : "DELETE FROM import_jobs WHERE id = ?",
                            NULL);
    if (s) db_bind_text(s, 1, j->id), db_step(s), db_finalize(s);
}

/* The waiting upload of the caller: its file read back into j->table.
 * 404 when unknown, 409 when it ran already. */
static int load_upload(db_conn *db, import_job *j, err *e)
{
    db_stmt *s = db_prepare(db, "SELECT state, entity, file FROM import_jobs WHERE id = ? AND user_id = ?", e);
    if (!s) return -1;
    db_bind_text(s, 1, j->id);
    db_bind_int64(s, 2, j->user_id);
    int step = db_step(s), rc = 0;
    if (step != DB_ROW) {
        rc = step < 0 ? job_db_fail(step, e) : err_set(e, 404, "not_found", "导入任务不存在", "No such import");
    } else if (strcmp(db_column_text(s, 0), "ready") != 0 || db_column_is_null(s, 2)) {
        rc = err_set(e, 409, "conflict", "该导入已经开始或已结束，请重新上传", "This import has already run; upload the file again");
    } else {
        snprintf(j->entity, sizeof j->entity, "%s", db_column_text(s, 1));
        const char *b64 = db_column_text(s, 2);
        size_t n = db_column_bytes(s, 2), len = 0;
        unsigned char *file = malloc(n / 4 * 3 + 3);
        rc = sodium_base642bin(file, n / 4 * 3 + 3, b64, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
                     table_read((const char *)file, len, &j->table, e)
                 ? (e->status ? -1 : err_set(e, 500, "internal_error", "读取上传的文件失败", "Cannot read the upload"))
                 : 0;
        free(file);
    }
    db_finalize(s);
    return rc;
}

/* ---- what the handlers ask for ---- */

int import_job_save_upload(db_conn *db, const import_job *j, const char *file, size_t len, err *e)
{
    return store_job(db, j, file, len, JOB_READY, e);
}

int import_job_run_now(entity_ctx *c, const entity_def *ent, import_job *j, const import_request *rq, err *e)
{
    /* The suggested mapping: headers matched to fields by label or name. */
    strbuf pv = STRBUF_INIT;
    json_t *preview = entity_import_preview(c, ent, &j->table, &pv, e) == 0 ? json_loads(sb_str(&pv), 0, NULL) : NULL;
    sb_free(&pv);
    int rc = !preview ||
             job_options(j, ent, json_object_get(preview, "mapping"), rq, e) ||
             entity_import_check(c, ent, &j->opts, e) || store_job(c->db, j, NULL, 0, JOB_RUNNING, e);
    if (!rc && (rc = start(j, e))) unstart(c->db, j, 0);
    json_decref(preview);
    if (!preview && !e->status) err_set(e, 500, "internal_error", "无法生成字段对应", "Cannot suggest a mapping");
    return rc ? -1 : 0;
}

int import_job_run_upload(entity_ctx *c, import_job *j, const char *id, const import_request *rq, err *e)
{
    snprintf(j->id, sizeof j->id, "%s", id);
    if (strlen(id) != 32) return err_set(e, 404, "not_found", "导入任务不存在", "No such import");
    if (load_upload(c->db, j, e)) return -1;
    const entity_def *ent = meta_entity(c->m, j->entity);
    if (!ent) return err_set(e, 404, "not_found", "导入任务不存在", "No such import");
    int rc = job_options(j, ent, rq->mapping, rq, e) ||
             entity_import_check(c, ent, &j->opts, e) || claim(c->db, j, e);
    if (!rc && (rc = start(j, e))) unstart(c->db, j, 1);
    return rc ? -1 : 0;
}

int import_job_running(const import_job *j)
{
    return atomic_load(&j->state) == JOB_RUNNING;
}

void import_job_wait(import_job *j)
{
    for (int i = 0; i < 600 * 20 && atomic_load(&j->state) == JOB_RUNNING; i++) usleep(50000);
}

int import_job_failed_file(db_conn *db, const char *id, int64_t user_id, strbuf *out, int *xlsx, err *e)
{
    import_job *j = import_job_find(id, user_id);
    if (j) { /* ending here: the file is made before the job is done */
        int done = atomic_load(&j->state) == JOB_DONE && j->failed_file.len;
        if (done) sb_appendn(out, j->failed_file.data, j->failed_file.len), *xlsx = j->failed_xlsx;
        import_job_put(j);
        return done ? 0 : err_set(e, 404, "not_found", "没有失败的行可下载", "No failed rows to download");
    }
    db_stmt *s = db_prepare(db, "SELECT failed_file, failed_format FROM import_jobs WHERE id = ? AND user_id = ?", e);
    if (!s) return -1;
    db_bind_text(s, 1, id);
    db_bind_int64(s, 2, user_id);
    int step = db_step(s), rc;
    if (step != DB_ROW || db_column_is_null(s, 0)) {
        rc = step < 0 ? job_db_fail(step, e) : err_set(e, 404, "not_found", "没有失败的行可下载", "No failed rows to download");
    } else {
        size_t n = db_column_bytes(s, 0), len = 0;
        unsigned char *file = malloc(n / 4 * 3 + 3);
        rc = sodium_base642bin(file, n / 4 * 3 + 3, db_column_text(s, 0), n, NULL, &len, NULL,
                               sodium_base64_VARIANT_ORIGINAL)
                 ? err_set(e, 500, "internal_error", "读取失败行文件失败", "Cannot read the file of failed rows")
                 : 0;
        if (!rc) sb_appendn(out, (const char *)file, len), *xlsx = strcmp(db_column_text(s, 1), "xlsx") == 0;
        free(file);
    }
    db_finalize(s);
    return rc;
}
