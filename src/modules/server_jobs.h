/* server_jobs.h - periodic jobs of the `kehu serve` worker thread (the
 * one of mail_sender.c) that must run in one process at a time when
 * several share a database: each job is a row of server_jobs, claimed
 * with a conditional UPDATE (a lease) once its interval has passed since
 * its last run. Today: the SLA sweep of service tickets (service.h). */
#ifndef KEHU_SERVER_JOBS_H
#define KEHU_SERVER_JOBS_H

#include "../db/db.h"

/* Runs the jobs that are due and not held by another process. -1 when
 * the database failed (the worker reconnects), else 0. */
int server_jobs_round(db_conn *db);

#endif
