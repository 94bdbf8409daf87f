/* app.h - the state one `kehu serve` process shares between its worker
 * threads: the database pool, the current metadata and the settings given
 * on the command line. Everything else lives in the database. */
#ifndef KEHU_APP_H
#define KEHU_APP_H

#include <stdint.h>

#include "db/db.h"
#include "util/err.h"

struct http_request;

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
    const char *trusted_proxy; /* the reverse proxy's address: its X-Forwarded-For names the client */
} app_config;

typedef struct app {
    app_config cfg;
    db_pool *pool;
    /* A request with X-Kehu-Company reads another company (a teacher a
     * student's sandbox): answers 0 after putting in req->user the user as
     * they see that company, or an error (403 when not theirs to see).
     * Set at start-up by the layer that knows classes; NULL refuses all. */
    int (*view_company)(struct http_request *req, int64_t company_id, err *e);
} app;

#endif
