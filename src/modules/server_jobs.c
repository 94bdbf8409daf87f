/* server_jobs.c - see server_jobs.h. */
#include "server_jobs.h"

#include <stdlib.h>
#include <time.h>

#include "../util/clock.h"
#include "service.h"

#define LEASE_SECONDS 600 /* a job not finished by then (its process died) is taken again */

typedef struct job {
    const char *name, *interval_env;
    long interval_default;
    int (*run)(db_conn *db);
} job;

static const job JOBS[] = {
    {"sla_sweep", "KEHU_SLA_SWEEP_SECONDS", 60, service_sweep_all},
};

static long interval_of(const job *j)
{
    const char *env = getenv(j->interval_env);
    return env && *env && atol(env) >= 0 ? atol(env) : j->interval_default; /* 0: every round (tests) */
}

/* 1 when this process now holds the job, 0 when it is not due or another
 * process has it, -1 on a database error. */
static int claim(db_conn *db, const job *j)
{
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN], until[ISO_TIME_LEN], due[ISO_TIME_LEN];
    time_t t = time(NULL);
    iso_time(t, now);
    iso_time(t + LEASE_SECONDS, until);
    iso_time(t - interval_of(j), due);
    db_stmt *s = db_prepare(db,
                            "UPDATE server_jobs SET claimed_until = ?, last_run_at = ? WHERE name = ?"
                            " AND (claimed_until IS NULL OR claimed_until < ?) AND (last_run_at IS NULL OR last_run_at <= ?)",
                            &e);
    if (!s) return -1;
    db_bind_text(s, 1, until);
    db_bind_text(s, 2, now);
    db_bind_text(s, 3, j->name);
    db_bind_text(s, 4, now);
    db_bind_text(s, 5, due);
    int step = db_step(s), got = step == DB_DONE && db_changes(s) == 1;
    db_finalize(s);
    return step < 0 ? -1 : got;
}

static void release(db_conn *db, const job *j)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db, "UPDATE server_jobs SET claimed_until = NULL WHERE name = ?", &e);
    if (!s) return;
    db_bind_text(s, 1, j->name);
    db_step(s);
    db_finalize(s);
}

int server_jobs_round(db_conn *db)
{
    for (size_t i = 0; i < sizeof JOBS / sizeof *JOBS; i++) {
        int got = claim(db, &JOBS[i]);
        if (got < 0) return -1;
        if (!got) continue;
        int rc = JOBS[i].run(db);
        release(db, &JOBS[i]);
        if (rc < 0) return -1;
    }
    return 0;
}
