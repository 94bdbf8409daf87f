/* http.h - what a handler sees. src/http owns the connection: it reads and
 * bounds the body, picks the language, resolves the signed-in user (cookie or
 * Bearer token), enforces CSRF on cookie requests, routes by method and path
 * pattern, and writes the access log. Handlers fill an http_response; the
 * JSON error body is built in one place (http_error). */
#ifndef KEHU_HTTP_H
#define KEHU_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../auth/session.h"
#include "../db/db.h"
#include "../util/arena.h"
#include "../util/err.h"
#include "../util/strbuf.h"

struct MHD_Connection;
struct app;

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8


typedef struct http_request {
    struct app *app;
    struct MHD_Connection *conn;
    arena *a; /* dies with the request */
    const char *method;
    const char *path; /* without the query string */
    const char *body; /* NUL-terminated copy; NULL when empty */
    size_t body_len;
    const char *lang;      /* "zh" (default) or "en", from Accept-Language */
    const char *client_ip; /* text form of the peer address */
    auth_user *user;       /* NULL when anonymous */
    int via_cookie;        /* authenticated by the session cookie (CSRF applies) */
    const char *params[HTTP_MAX_PARAMS]; /* captures of :name route segments */
    db_conn *db; /* this worker thread's connection; NULL if the database is down */
} http_request;

typedef struct http_response {
    int status;
    const char *content_type; /* default application/json; charset=utf-8 */
    strbuf body;
    /* Or a body that outlives the request (embedded assets): not copied. */
    const void *static_body;
    size_t static_len;
    const char *header_names[HTTP_MAX_HEADERS];
    const char *header_values[HTTP_MAX_HEADERS];
    int nheaders;
} http_response;

typedef void (*http_handler)(http_request *req, http_response *res);

enum route_flags {
    ROUTE_PUBLIC = 1,      /* no sign-in needed */
    ROUTE_LARGE_BODY = 2,  /* imports: body limit HTTP_LARGE_BODY instead of HTTP_MAX_BODY */
    ROUTE_NO_CSRF = 4,     /* sign-in itself: no session yet */
    ROUTE_FIRST_PASSWORD = 8, /* answers a user who must still replace a generated first
                               * password (the session routes); every other route is 403 */
};

/* A parameter of a route's documentation: a :capture of the pattern (in
 * order) or a query parameter. */
typedef struct route_param {
    const char *name;
    const char *type; /* "integer", "string" or "boolean" */
    const char *description;
    int required;     /* query parameters only: path parameters always are */
} route_param;

/* What a route answers, declared beside its handler; the OpenAPI document
 * (src/api/openapi.c) and the route list of docs/api.md (`kehu routes
 * --markdown`) are generated from it. A schema is the name of a component
 * (":entity" stands for the entity of a generic /api/v1/:entity route, so
 * ":entity_create" is its create body) or an inline JSON Schema text
 * starting with '{'. docs/engine.md ("Routes") shows a full declaration. */
typedef struct route_doc {
    const char *tag;      /* NULL on generic /api/v1/:entity routes: the entity */
    const char *summary;  /* "中文 / English" */
    const char *id;       /* operationId; generic routes append "_<entity>" */
    const route_param *path;  /* the captures after :entity, {0}-ended; NULL: none */
    const route_param *query; /* {0}-ended; NULL: none */
    const char *body;         /* request body schema; NULL: no body */
    const char *body_types;   /* not JSON: media types of a binary upload, space-separated */
    int body_optional;
    const char *ok;           /* success statuses, "200" or "200 202" */
    const char *reply;        /* schema of the success body; NULL: not described */
    const char *reply_types;  /* not JSON: media types of a binary answer, space-separated */
    const char *errors;       /* error statuses it can answer, "401 404 422" */
    const route_param *headers; /* response headers of a success, {0}-ended; NULL: none declared */
    const char *only_if;      /* generic routes: entities it exists for ("pool", "named", "reversible", "balances",
                                 "related", "importable"); NULL: every entity */
} route_doc;

typedef struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/:entity/:id/history"; a literal segment beats :capture */
    http_handler handler;
    int flags;
    route_doc doc;
} route;

#define HTTP_MAX_BODY (1u << 20)        /* 1 MiB for JSON requests */
#define HTTP_LARGE_BODY (64u << 20)     /* 64 MiB for imports */

/* Request helpers. Values are NULL when absent. Query values are checked to
 * be valid UTF-8 by the router before handlers run. */
const char *http_query(http_request *req, const char *key);
const char *http_header(http_request *req, const char *name);
const char *http_cookie(http_request *req, const char *name);

/* Response helpers. */
void http_set_header(http_response *res, const char *name, const char *value); /* copies nothing: pass arena/static strings */
/* Status + JSON body already appended to res->body. */
void http_json(http_response *res, int status);
/* The one way an error leaves Kehu: the documented JSON body in the
 * request's language. */
void http_error(http_request *req, http_response *res, const err *e);
/* Shorthand for errors without field details. */
void http_fail(http_request *req, http_response *res, int status, const char *code, const char *zh,
               const char *en);

/* Parses the request body as a JSON object (jansson, duplicate keys
 * rejected). On failure answers 400 and returns NULL; the caller just returns.
 * The returned value is owned by the caller (json_decref). */
struct json_t;
struct json_t *http_json_body(http_request *req, http_response *res);

#endif
