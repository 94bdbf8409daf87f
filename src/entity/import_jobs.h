/* import_jobs.h - importing a spreadsheet as a job: the upload waits in
 * the database for its run (so any process of a cluster can take the
 * wizard's next step), runs in a thread of the process that starts it, and
 * reports its progress from memory here and from the table elsewhere.
 * The rows themselves go through entity_import (entity_import.c). */
#ifndef KEHU_IMPORT_JOBS_H
#define KEHU_IMPORT_JOBS_H

#include <jansson.h>

#include "../util/table.h"
#include "entity.h"

typedef enum { JOB_READY, JOB_RUNNING, JOB_DONE, JOB_FAILED } job_state;

/* What the importer chose for a run (a run's body, or the one-call
 * import's query): the mapping (NULL: the suggested one), the duplicate
 * policy and its match field, all or nothing, and the owner of created
 * rows (set_owner: owner_id, 0 for the public pool). */
typedef struct import_request {
    json_t *mapping;
    const char *duplicates, *match;
    int all_or_nothing;
    int set_owner;
    int64_t owner_id;
} import_request;

/* A job of this process: a new upload, or one running here. */
typedef struct import_job {
    char id[33];
    int64_t user_id;
    auth_user user; /* a copy: the request that started the job is gone */
    char username[128], name[128], lang[4];
    char entity[64];
    const char *db_url;
    data_table table; /* the rows, header first, until the run has stored them */
    import_options opts;
    char *mapped[TABLE_MAX_COLS];
    _Atomic int state;
    import_progress pr;
    strbuf failed_file; /* the failed rows in the upload's format, made when the run ends */
    int failed_xlsx;
    err e;
    int refs; /* under the jobs' lock: the threads and requests using it */
} import_job;

/* A new job of user u for entity (with one reference); the caller reads the
 * upload into its table. db_url: where the job's threads connect. */
import_job *import_job_new(const auth_user *u, const char *lang, const char *entity, const char *db_url);
/* Gives back a reference; the last one frees the job. */
void import_job_put(import_job *j);
/* The user's job if it runs in this process, with a reference; else NULL. */
import_job *import_job_find(const char *id, int64_t user_id);

/* Keeps the upload (file, len) to run later (the wizard's preview). */
int import_job_save_upload(db_conn *db, const import_job *j, const char *file, size_t len, err *e);
/* Starts j at once with the suggested mapping (the one-call import). */
int import_job_run_now(entity_ctx *c, const entity_def *ent, import_job *j, const import_request *rq, err *e);
/* Starts the waiting upload `id` of j's user with rq's mapping: 404 when
 * unknown, 409 when it ran already (of two runs at once, one wins), 503
 * when too many run. */
int import_job_run_upload(entity_ctx *c, import_job *j, const char *id, const import_request *rq, err *e);
/* The failed rows of the user's ended job as a file in the upload's format
 * (*xlsx set when it is one): 404 when the job is unknown, still runs or
 * had no failed rows. */
int import_job_failed_file(db_conn *db, const char *id, int64_t user_id, strbuf *out, int *xlsx, err *e);

/* Whether j still runs. */
int import_job_running(const import_job *j);
/* Waits while j runs, up to 10 minutes. */
void import_job_wait(import_job *j);
/* j's status, counts and row errors as JSON (live figures). */
void import_job_json(const import_job *j, strbuf *b);
/* The status of the user's job as stored (written by whichever process
 * ran it); 404 when unknown. */
int import_job_stored_json(db_conn *db, const char *id, int64_t user_id, strbuf *b, err *e);

/* Waits for the jobs running here to end; at server stop. */
void import_jobs_shutdown(void);

#endif
