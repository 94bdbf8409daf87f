/* server.c - the HTTP server: libmicrohttpd in thread-pool mode with epoll.
 * One request goes through: route lookup (so the body limit is known before
 * the body arrives) -> body read within the limit -> language -> user from
 * cookie or Bearer token -> CSRF check for cookie writes -> handler ->
 * response with security headers -> one access-log line.
 * Graceful stop: SIGINT/SIGTERM stop accepting, in-flight requests finish,
 * then the database closes. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../util/utf8.h"
#include "../util/clock.h"
#include "guard.h"
#include "web.h"

typedef struct request_state {
    arena *a;
    strbuf body;
    size_t limit;
    int too_large;
    const route *rt;
    const char *params[HTTP_MAX_PARAMS];
    int nparams;
    int route_status; /* 404/405 decided at the first call, 0 when routed */
    int64_t started_us;
    int status;
    size_t bytes;
    int64_t user_id;
    const char *method; /* for the access log, in the arena */
    const char *url;
    /* An answer held back until the request's commits are on disk
     * (db_durable_notify): the connection is suspended meanwhile. */
    int held;             /* 1 from the suspension until the answer is queued */
    atomic_int durable;   /* the outcome: 1 on disk, 0 not */
    http_response answer; /* the held answer */
    const char *lang;
    struct MHD_Connection *conn;
} request_state;

/* A route with what find_route checks before matching it whole: the
 * third segment of its pattern ("accounts" of /api/v1/accounts/duplicates)
 * when that is literal, and its count of literal segments. */
typedef struct route_entry {
    const route *r;
    const char *third; /* NULL: a capture or no third segment */
    size_t third_len;
    int literals;
    int segments; /* a path of another count cannot match */
} route_entry;

typedef struct server {
    app *app;
    const route *const *routes;
    route_entry *entries; /* every route, in table order */
    size_t nentries;
    atomic_int in_flight;
    /* Set on SIGTERM: commits wait for the disk in their own thread again,
     * as libmicrohttpd must not be stopped with a connection suspended. */
    atomic_int stopping;
} server;

/* ---- routing ---- */

/* Bytes up to the next '/' or the end (strcspn with one byte to look for
 * was a third of a detail read's routing). */
static size_t segment_len(const char *s)
{
    const char *p = s;
    while (*p && *p != '/') p++;
    return (size_t)(p - s);
}

int route_match(const char *pattern, const char *path, arena *ar, const char **params,
                int *nparams)
{
    const char *at[HTTP_MAX_PARAMS];
    size_t len[HTTP_MAX_PARAMS];
    int n = 0;
    *nparams = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/') return 0;
        p++, s++;
        size_t pl = segment_len(p), sl = segment_len(s);
        if (*p == ':') {
            if (sl == 0 || n >= HTTP_MAX_PARAMS) return 0;
            at[n] = s, len[n++] = sl;
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return 0;
        }
        p += pl, s += sl;
    }
    if (!(*p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0')))) return 0;
    for (int i = 0; i < n; i++) params[i] = arena_strndup(ar, at[i], len[i]); /* a match only: most routes fail */
    *nparams = n;
    return 1;
}

/* The third segment of a path ("accounts" of /api/v1/accounts/12) and its
 * length; NULL when it has fewer segments. */
static const char *third_segment(const char *path, size_t *len)
{
    const char *s = path;
    for (int i = 0; i < 2; i++) {
        if (*s != '/') return NULL;
        s += 1 + strcspn(s + 1, "/");
    }
    if (*s != '/') return NULL;
    *len = strcspn(s + 1, "/");
    return s + 1;
}

/* Number of segments ("/api/v1/accounts/12": 4); one trailing slash of
 * a path does not count, as route_match allows it. */
static int segment_count(const char *path)
{
    int n = 0;
    for (const char *p = path; *p; p++)
        if (*p == '/' && p[1]) n++;
    return n;
}

/* Number of literal segments: a route with more literals wins, so
 * /api/v1/accounts/duplicates beats /api/v1/:entity/:id. */
static int route_literals(const char *pattern)
{
    int n = 0;
    for (const char *p = pattern; *p; p++)
        if (*p == '/' && p[1] && p[1] != ':') n++;
    return n;
}

/* Every route of the tables as a route_entry (done once, at start). */
static int index_routes(server *srv)
{
    size_t n = 0;
    for (const route *const *t = srv->routes; *t; t++)
        for (const route *r = *t; r->method; r++) n++;
    srv->entries = calloc(n ? n : 1, sizeof *srv->entries);
    if (!srv->entries) return -1;
    for (const route *const *t = srv->routes; *t; t++) {
        for (const route *r = *t; r->method; r++) {
            route_entry *x = &srv->entries[srv->nentries++];
            x->r = r;
            x->literals = route_literals(r->pattern);
            x->segments = segment_count(r->pattern);
            x->third = third_segment(r->pattern, &x->third_len);
            if (x->third && x->third[0] == ':') x->third = NULL;
        }
    }
    return 0;
}

/* The route for method and path: of the patterns matching the path, the
 * one with the most literal segments. A pattern whose literal third
 * segment differs from the path's is passed over without matching it
 * (a detail read used to spend 7 % of its time matching 400 patterns). */
static void find_route(server *srv, request_state *st, const char *method, const char *path)
{
    int best = -1, method_mismatch = 0;
    const char *tmp[HTTP_MAX_PARAMS];
    int ntmp;
    int is_head = strcmp(method, "HEAD") == 0;
    size_t third_len = 0;
    const char *third = third_segment(path, &third_len);
    int segments = segment_count(path);
    for (size_t i = 0; i < srv->nentries; i++) {
        const route_entry *x = &srv->entries[i];
        if (x->segments != segments) continue;
        if (x->third && (!third || third_len != x->third_len || memcmp(third, x->third, third_len) != 0)) continue;
        if (x->literals <= best) continue; /* cannot win over the one found */
        const route *r = x->r;
        int method_ok = strcmp(r->method, method) == 0 || (is_head && strcmp(r->method, "GET") == 0);
        /* another method's pattern only tells 405 from 404: once known, or
         * once a route of this method matched, it need not be matched */
        if (!method_ok && (method_mismatch || best >= 0)) continue;
        if (!route_match(r->pattern, path, st->a, tmp, &ntmp)) continue;
        if (!method_ok) {
            method_mismatch = 1;
            continue;
        }
        best = x->literals;
        st->rt = r;
        st->nparams = ntmp;
        memcpy(st->params, tmp, sizeof tmp);
    }
    if (!st->rt) st->route_status = method_mismatch ? 405 : 404;
}

/* ---- language, user, CSRF ---- */

static const char *pick_language(struct MHD_Connection *c)
{
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    if (!al) return "zh";
    while (*al == ' ') al++;
    return (al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N') ? "en" : "zh";
}

/* Dotted quad of an IPv4 address, as inet_ntop writes it but without its
 * cost (every request names its client). */
static void ipv4_text(const struct in_addr *in, char *out)
{
    const unsigned char *b = (const unsigned char *)&in->s_addr;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100) *out++ = (char)('0' + v / 100);
        if (v >= 10) *out++ = (char)('0' + v / 10 % 10);
        *out++ = (char)('0' + v % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
}

static const char *peer_address(struct MHD_Connection *c, arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "unknown";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            ipv4_text(&((const struct sockaddr_in *)sa)->sin_addr, buf);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
    }
    return arena_strdup(a, buf);
}

/* Behind a reverse proxy (--trusted-proxy ADDR) every connection comes
 * from the proxy: the client is the last address of X-Forwarded-For, the
 * one the proxy itself appended (nginx: proxy_add_x_forwarded_for).
 * Earlier entries are whatever the client claimed and are not believed.
 * Sign-in throttling per address and the sign-in history need the client. */
static const char *client_address(struct MHD_Connection *c, const app_config *cfg, arena *a)
{
    const char *peer = peer_address(c, a);
    if (!cfg->trusted_proxy || strcmp(peer, cfg->trusted_proxy) != 0) return peer;
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff) return peer;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t') last++;
    char text[INET6_ADDRSTRLEN];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof text) return peer;
    memcpy(text, last, n);
    text[n] = '\0';
    unsigned char bin[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, text, bin) != 1 && inet_pton(AF_INET6, text, bin) != 1) return peer;
    return arena_strdup(a, text);
}

/* Resolves the user from a Bearer token or the session cookie. A bad
 * credential on a public route is simply anonymous; elsewhere it is 401. */
static int identify_user(http_request *req, err *e)
{
    const char *authz = http_header(req, "Authorization");
    session_kind kind = SESSION_COOKIE_KIND;
    const char *secret = NULL;
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        kind = SESSION_TOKEN_KIND;
        secret = authz + 7;
    } else {
        secret = http_cookie(req, SESSION_COOKIE);
    }
    if (!secret || !*secret) return 0;
    if (!req->db) return err_set(e, 503, "unavailable", "数据库暂时不可用", "Database unavailable");
    auth_user *u = arena_alloc(req->a, sizeof *u);
    if (session_resolve(req->db, kind, secret, req->app->cfg.session_hours, req->a, u, e) != 0)
        return -1;
    req->user = u;
    req->via_cookie = kind == SESSION_COOKIE_KIND;
    return 0;
}

static int is_unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* X-Kehu-Company (or ?as_company= on a download the browser fetches by
 * itself): the request reads another company, read-only (a teacher
 * looking into a student's sandbox). The app decides who may see which
 * company; here only that nothing is written while looking. The session's
 * own writes (sign-out, password) are the user's and ignore the header.
 * Answers 1 when it has answered the request (refused). */
static int view_other_company(http_request *req, http_response *res, int flags)
{
    const char *text = http_header(req, "X-Kehu-Company");
    if (!text) text = http_query(req, "as_company");
    if (!text) return 0;
    int unsafe = is_unsafe_method(req->method);
    if (unsafe && (flags & ROUTE_FIRST_PASSWORD)) return 0;
    char *end = NULL;
    errno = 0;
    long long id = strtoll(text, &end, 10);
    if (errno || end == text || *end || id <= 0) {
        http_fail(req, res, 400, "bad_company", "X-Kehu-Company 应为公司编号",
                  "X-Kehu-Company must be a company id");
        return 1;
    }
    if (id == req->user->company_id) return 0;
    if (unsafe) {
        http_fail(req, res, 403, "read_only_view", "正在查看其他公司的数据，只能浏览，不能修改",
                  "You are looking at another company: read only");
        return 1;
    }
    err e;
    err_clear(&e);
    if (!req->app->view_company) {
        http_fail(req, res, 403, "company_not_viewable", "无权查看该公司的数据",
                  "You may not look at that company");
        return 1;
    }
    if (req->app->view_company(req, (int64_t)id, &e) != 0) {
        http_error(req, res, &e);
        return 1;
    }
    return 0;
}

static int csrf_ok(http_request *req)
{
    const char *sent = http_header(req, "X-CSRF-Token");
    const char *want = req->user ? req->user->csrf_token : NULL;
    if (!sent || !want) return 0;
    size_t n = strlen(want);
    return strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}

/* Decodes %XX in the path and the query like MHD, except that a decoded
 * NUL becomes the byte 0xFF: otherwise "/leads/%00/convert" would end at
 * the NUL and reach another route ("/leads"), and "q=a%00b" would be "a".
 * 0xFF is never valid UTF-8, so such requests get 400 bad_encoding. */
static size_t unescape_keeping_nul(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0') s[i] = (char)0xFF;
    return n;
}

/* Query values reach handlers only as valid UTF-8. */
static enum MHD_Result check_arg_utf8(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    int *bad = cls;
    if ((key && !utf8_valid(key, strlen(key))) || (value && !utf8_valid(value, strlen(value)))) {
        *bad = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

/* A NUL byte inside a header value: MHD 0.9.75 keeps the value only up to
 * it ("Bearer tok\0junk" arrives as "Bearer tok"), so the cut must be seen
 * from where the value ends. MHD parses the header block in place and turns
 * each line's CR/LF into NUL; after a value's end there is then only that
 * line end (maybe after trimmed blanks), and the next byte is NUL, the next
 * header's name, or the blank line. Anything else was hidden behind a NUL. */
typedef struct header_scan {
    const char *keys[128];
    int nkeys, bad;
} header_scan;

static enum MHD_Result note_header_key(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                       const char *value, size_t value_size)
{
    header_scan *h = cls;
    (void)kind, (void)key_size, (void)value, (void)value_size;
    if (h->nkeys < 128) h->keys[h->nkeys++] = key;
    return MHD_YES;
}

static enum MHD_Result check_value_end(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                       const char *value, size_t value_size)
{
    header_scan *h = cls;
    (void)kind, (void)key, (void)key_size;
    if (!value || value_size == 0) return MHD_YES; /* may be a static "" */
    const char *p = value + value_size + 1; /* past the NUL that ends it */
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\0' || *p == '\r' || *p == '\n') return MHD_YES;
    for (int i = 0; i < h->nkeys; i++)
        if (p == h->keys[i]) return MHD_YES;
    h->bad = 1;
    return MHD_NO;
}

static int header_has_nul(struct MHD_Connection *c)
{
    header_scan h = {.nkeys = 0, .bad = 0};
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, note_header_key, &h);
    if (h.nkeys >= 128) return 0; /* not checked: 128 names are kept */
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, check_value_end, &h);
    return h.bad;
}

/* ---- dispatch ---- */

static void run_handler(server *srv, request_state *st, http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    int bad_utf8 = 0;
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_arg_utf8, &bad_utf8);
    if (header_has_nul(req->conn)) {
        http_fail(req, res, 400, "bad_header", "请求头中含有空字节（NUL）", "A request header holds a NUL byte");
        return;
    }
    if (bad_utf8 || !utf8_valid(req->path, strlen(req->path))) {
        http_fail(req, res, 400, "bad_encoding", "请求地址或参数不是有效的 UTF-8 文本",
                  "The URL or its parameters are not valid UTF-8");
        return;
    }
    if (st->too_large) {
        http_fail(req, res, 413, "too_large", "请求内容过大", "The request body is too large");
        return;
    }
    if (st->route_status) {
        if (st->route_status == 404 && strncmp(req->path, "/api/", 5) != 0 &&
            (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) &&
            web_serve(req, res))
            return;
        if (st->route_status == 405)
            http_fail(req, res, 405, "method_not_allowed", "不支持该请求方法",
                      "Method not allowed");
        else
            http_fail(req, res, 404, "not_found", "请求的资源不存在", "Not found");
        return;
    }
    req->db = db_pool_conn(srv->app->pool, &e);
    /* A read shares one snapshot from the session to the last query
     * (one set of SQLite's WAL read locks, not one per query); on_request
     * ends it before answering. */
    if (req->db && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0))
        db_read_snapshot(req->db, DB_SNAPSHOT_ON);
    if (identify_user(req, &e) != 0 && !(st->rt->flags & ROUTE_PUBLIC)) {
        http_error(req, res, &e);
        return;
    }
    if (!(st->rt->flags & ROUTE_PUBLIC) && !req->user) {
        http_fail(req, res, 401, "unauthorized", "请先登录", "Please sign in");
        return;
    }
    if (req->via_cookie && is_unsafe_method(req->method) && !(st->rt->flags & ROUTE_NO_CSRF) &&
        !csrf_ok(req)) {
        http_fail(req, res, 403, "csrf_failed", "安全校验失败（缺少或错误的 X-CSRF-Token），请刷新页面后重试",
                  "CSRF check failed (missing or wrong X-CSRF-Token); reload the page and retry");
        return;
    }
    if (req->user && req->user->must_change_password && !(st->rt->flags & ROUTE_FIRST_PASSWORD)) {
        http_fail(req, res, 403, "password_change_required", "请先修改初始密码，再继续使用",
                  "Change your first password before going on");
        return;
    }
    if (!req->db) {
        http_error(req, res, &e);
        return;
    }
    if (req->user && !(st->rt->flags & ROUTE_PUBLIC) && view_other_company(req, res, st->rt->flags))
        return;
    db_attempt_start(); /* the handler's writes count, not the session's touch (run_with_retries) */
    st->rt->handler(req, res);
    db_rollback_all(req->db); /* a handler that forgot: never leak a lock */
}

/* The handler again, from a fresh request, while its unit of work failed
 * for another transaction's sake and wrote nothing (db_attempt_retriable:
 * a PostgreSQL deadlock or serialization failure, which PostgreSQL asks
 * the client to retry). Up to RETRIES more times, after a short random
 * pause so two transactions that met do not meet again at once. */
#define RETRIES 3

static void run_with_retries(server *srv, request_state *st, const http_request *fresh, http_request *req,
                             http_response *res)
{
    for (int attempt = 0;; attempt++) {
        db_attempt_start();
        run_handler(srv, st, req, res);
        if (attempt == RETRIES || res->status < 500 || !db_attempt_retriable()) return;
        sb_free(&res->body);
        *res = (http_response){0};
        if (req->db) db_read_snapshot(req->db, DB_SNAPSHOT_OFF);
        *req = *fresh;
        unsigned pause_us = 1000u + (unsigned)(clock_us() % 1000) * (unsigned)(5 << attempt);
        nanosleep(&(struct timespec){0, (long)pause_us * 1000L}, NULL);
    }
}

/* Tests: KEHU_TEST_CONFLICTS applies to the writes of requests to this
 * path (KEHU_TEST_CONFLICT_PATH) alone, so a test signs in undisturbed. */
static int test_conflicts_path(const char *url)
{
    const char *path = getenv("KEHU_TEST_CONFLICT_PATH");
    return path && strcmp(path, url) == 0;
}

static enum MHD_Result queue_response(struct MHD_Connection *c, request_state *st,
                                      http_response *res)
{
    struct MHD_Response *r;
    if (res->static_body) {
        r = MHD_create_response_from_buffer(res->static_len, (void *)res->static_body,
                                            MHD_RESPMEM_PERSISTENT);
        st->bytes = res->static_len;
    } else {
        /* The length must be read before sb_detach resets it: argument
         * evaluation order is unspecified. */
        size_t len = res->body.len;
        st->bytes = len;
        r = MHD_create_response_from_buffer(len, sb_detach(&res->body), MHD_RESPMEM_MUST_FREE);
    }
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            res->content_type ? res->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "X-Frame-Options", "SAMEORIGIN");
    int has_cache = 0;
    for (int i = 0; i < res->nheaders; i++) {
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
        if (strcasecmp(res->header_names[i], "Cache-Control") == 0) has_cache = 1;
    }
    if (!has_cache) MHD_add_response_header(r, "Cache-Control", "no-store");
    st->status = res->status ? res->status : 200;
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)st->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* From the syncer thread: the held answer's commits are on disk (ok) or
 * could not be put there. */
static void durable_done(void *arg, int ok)
{
    request_state *st = arg;
    atomic_store(&st->durable, ok);
    MHD_resume_connection(st->conn);
}

/* The held answer, once told: as it was, or 500 when its writes did not
 * reach the disk (then they may be lost, and the client must not believe
 * them kept). */
static enum MHD_Result answer_held(struct MHD_Connection *c, request_state *st)
{
    st->held = 0;
    http_response *res = &st->answer;
    if (!atomic_load(&st->durable)) {
        http_request req = {0};
        req.lang = st->lang;
        res->nheaders = 0;
        http_fail(&req, res, 500, "db_error", "数据未能写入磁盘，请重试", "The data could not be written to disk; please retry");
    }
    enum MHD_Result ok = queue_response(c, st, res);
    sb_free(&res->body);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    server *srv = cls;
    request_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st) return MHD_NO;
        st->a = arena_new();
        st->started_us = clock_us();
        atomic_fetch_add(&srv->in_flight, 1);
        *con_cls = st;
        st->method = arena_strdup(st->a, method);
        st->url = arena_strdup(st->a, url);
        guard_phase_set(c, GUARD_BODY);
        find_route(srv, st, method, url);
        st->limit = st->rt && (st->rt->flags & ROUTE_LARGE_BODY) ? HTTP_LARGE_BODY : HTTP_MAX_BODY;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > st->limit) st->too_large = 1;
        return MHD_YES;
    }
    if (st->held) return answer_held(c, st); /* resumed */
    if (*upload_data_size) {
        if (!st->too_large && st->body.len + *upload_data_size <= st->limit)
            sb_appendn(&st->body, upload_data, *upload_data_size);
        else
            st->too_large = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    http_request fresh = {0};
    fresh.app = srv->app;
    fresh.conn = c;
    fresh.a = st->a;
    fresh.method = method;
    fresh.path = url;
    fresh.body = st->body.data;
    fresh.body_len = st->body.len;
    fresh.lang = pick_language(c);
    fresh.client_ip = client_address(c, &srv->app->cfg, st->a);
    memcpy(fresh.params, st->params, sizeof fresh.params);
    http_request req = fresh;
    http_response res = {0};
    guard_phase_set(c, GUARD_HANDLING);
    /* Commits do not wait for the disk in this thread (SQLite): the answer
     * is held back below instead, while the thread serves others. */
    int defer = !atomic_load(&srv->stopping);
    /* a request that may write runs on the file's writer handle (db.h) */
    int writes = defer && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
    if (defer) db_durable_defer(1);
    if (writes) db_prefer_writer(1);
    if (writes && test_conflicts_path(url)) db_test_conflicts_arm(1);
    run_with_retries(srv, st, &fresh, &req, &res);
    db_test_conflicts_arm(0);
    if (writes) db_prefer_writer(0);
    if (defer) db_durable_defer(0);
    if (req.db) db_read_snapshot(req.db, DB_SNAPSHOT_OFF);
    st->user_id = req.user ? req.user->id : 0;
    db_durable_ticket ticket;
    if (defer && db_durable_pending(&ticket)) {
        /* suspended before the syncer may resume it */
        st->answer = res;
        st->lang = req.lang;
        st->conn = c;
        st->held = 1;
        atomic_store(&st->durable, 0);
        MHD_suspend_connection(c);
        int now = db_durable_notify(&ticket, durable_done, st);
        if (now) {
            atomic_store(&st->durable, now > 0);
            MHD_resume_connection(c);
        }
        return MHD_YES;
    }
    enum MHD_Result ok = queue_response(c, st, &res);
    sb_free(&res.body);
    return ok;
}

/* ---- completion, access log ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Paths are logged without the query string (it may carry tokens), with
 * control characters replaced, so a request cannot forge log lines, and
 * with secrets that live in paths (calendar feed URLs) cut off. */
static const char *const SECRET_PATHS[] = {"/api/v1/calendar/feed/", NULL};

static void log_request(struct MHD_Connection *c, request_state *st, const char *method,
                        const char *url)
{
    char when[ISO_TIME_LEN], path[256];
    iso_now(when);
    size_t i = 0;
    for (; url && url[i] && i < sizeof path - 1; i++)
        path[i] = (unsigned char)url[i] < 0x20 || url[i] == 0x7f || url[i] == '"' ? '?' : url[i];
    path[i] = '\0';
    for (int k = 0; SECRET_PATHS[k]; k++)
        if (strncmp(path, SECRET_PATHS[k], strlen(SECRET_PATHS[k])) == 0 && strlen(path) > strlen(SECRET_PATHS[k]))
            snprintf(path + strlen(SECRET_PATHS[k]), sizeof path - strlen(SECRET_PATHS[k]), "***");
    double ms = (double)(clock_us() - st->started_us) / 1000.0;
    pthread_mutex_lock(&log_lock);
    fprintf(stdout, "%s %s \"%s %s\" %d %zu %.2fms u=%lld\n", when, peer_address(c, st->a), method,
            path, st->status, st->bytes, ms, (long long)st->user_id);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *srv = cls;
    request_state *st = *con_cls;
    (void)toe;
    guard_phase_set(c, GUARD_WAITING); /* the next request's headers are due */
    if (!st) return;
    if (srv->app->cfg.access_log) {
        log_request(c, st, st->method ? st->method : "-", st->url);
    }
    sb_free(&st->body);
    sb_free(&st->answer.body); /* a held answer never sent */
    arena_free(st->a);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- start and stop ---- */

static int listen_address(const app_config *cfg, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)cfg->listen_port);
    return inet_pton(AF_INET, cfg->listen_host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Connections are descriptors: the soft limit (often 1,024) is raised to
 * the hard one, and the connection cap kept below it with room for the
 * database, imports and logs. With epoll, FD_SETSIZE does not matter. */
#define FDS_KEPT_FREE 64u

static unsigned connection_cap(const app_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1000;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t fds = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
    unsigned room = fds > 2 * FDS_KEPT_FREE ? (unsigned)(fds - FDS_KEPT_FREE) : (unsigned)(fds / 2);
    return cfg->max_connections && cfg->max_connections < room ? cfg->max_connections : room;
}

static int serve(server *srv)
{
    app *a = srv->app;
    struct sockaddr_in sa;
    if (listen_address(&a->cfg, &sa) != 0) {
        fprintf(stderr, "kehu: 监听地址无效 / invalid listen address: %s\n", a->cfg.listen_host);
        return 1;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);

    unsigned cap = connection_cap(&a->cfg);
    if (guard_start(a->cfg.header_timeout, a->cfg.body_timeout, a->cfg.idle_timeout)) {
        fprintf(stderr, "kehu: 无法启动连接守护线程 / cannot start the connection guard\n");
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)a->cfg.listen_port,
        NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_THREAD_POOL_SIZE,
        a->cfg.threads, MHD_OPTION_CONNECTION_LIMIT, cap, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        a->cfg.max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT, a->cfg.idle_timeout,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096U, MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_UNESCAPE_CALLBACK, unescape_keeping_nul, NULL, MHD_OPTION_END);
    if (!d) {
        guard_stop();
        fprintf(stderr, "kehu: 无法监听 / cannot listen on %s:%u: %s\n", a->cfg.listen_host,
                a->cfg.listen_port, strerror(errno));
        return 1;
    }
    fprintf(stderr,
            "kehu: 已启动 / serving on http://%s:%u/ (%u threads; at most %u connections, %u per address; "
            "headers within %u s, bodies within %u s, idle %u s)\n",
            a->cfg.listen_host, a->cfg.listen_port, a->cfg.threads, cap, a->cfg.max_per_ip, a->cfg.header_timeout,
            a->cfg.body_timeout, a->cfg.idle_timeout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "kehu: 正在停止 / stopping (signal %d)\n", sig);
    /* From here no answer is held back (a request still deciding sees the
     * flag); one already held counts in in_flight until it is answered,
     * so the wait below outlasts every suspension. */
    atomic_store(&srv->stopping, 1);
    MHD_quiesce_daemon(d); /* no new connections; running requests go on */
    for (int i = 0; i < 1000 && atomic_load(&srv->in_flight) > 0; i++) usleep(10000);
    MHD_stop_daemon(d);
    guard_stop();
    fprintf(stderr, "kehu: 已停止 / stopped\n");
    return 0;
}

int server_run(app *a, const route *const *routes)
{
    server srv = {.app = a, .routes = routes};
    atomic_init(&srv.in_flight, 0);
    atomic_init(&srv.stopping, 0);
    if (index_routes(&srv)) {
        fprintf(stderr, "kehu: 内存不足 / out of memory\n");
        return 1;
    }
    int rc = serve(&srv);
    free(srv.entries);
    return rc;
}
