/* app.h - the state one `kehu serve` process shares between its worker
 * threads: the database pool, the current metadata and the settings given
 * on the command line. Everything else lives in the database. */
#ifndef KEHU_APP_H
#define KEHU_APP_H

#include "db/db.h"

typedef struct app_config {
    const char *db_url;
    const char *listen_host; /* "127.0.0.1" */
    unsigned listen_port;    /* 8080 */
    unsigned threads;
    int access_log; /* 1: one line per request on stdout */
    int secure_cookies; /* set the Secure flag (behind https) */
    unsigned session_hours; /* idle lifetime of a sign-in */
    /* connections (docs/deploy.md "Connections"): */
    unsigned max_connections; /* all at once; 0: as many as descriptors allow */
    unsigned max_per_ip;      /* from one address; 0: no limit (behind a proxy) */
    unsigned header_timeout;  /* seconds for a request's headers, or idle between requests */
    unsigned body_timeout;    /* seconds for a request's body */
    unsigned idle_timeout;    /* seconds without a byte either way */
} app_config;

typedef struct app {
    app_config cfg;
    db_pool *pool;
} app;

#endif
