/* web.c - serves the embedded web application: exact asset paths, then
 * index.html for client-side routes (/accounts/12 is a page of the app, not
 * a file). Hashed files under /assets/ never change, so browsers may keep
 * them for a year; index.html is revalidated every time (ETag -> 304). */
#include "web.h"

#include <string.h>

#include "web_assets.h"

static const web_asset *find_asset(const char *path)
{
    if (!web_assets) return NULL;
    for (const web_asset *a = web_assets; a->path; a++)
        if (strcmp(a->path, path) == 0) return a;
    return NULL;
}

/* Paths that look like files (a dot in the last segment) are not routes. */
static int looks_like_file(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && strchr(slash, '.') != NULL;
}

static int accepts_gzip(http_request *req)
{
    const char *ae = http_header(req, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

int web_serve(http_request *req, http_response *res)
{
    const web_asset *a = find_asset(strcmp(req->path, "/") == 0 ? "/index.html" : req->path);
    if (!a && !looks_like_file(req->path)) a = find_asset("/index.html");
    if (!a) return 0;
    int immutable = strncmp(a->path, "/assets/", 8) == 0;
    http_set_header(res, "ETag", a->etag);
    http_set_header(res, "Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    http_set_header(res, "Vary", "Accept-Encoding");
    res->content_type = a->content_type;
    const char *inm = http_header(req, "If-None-Match");
    if (inm && strcmp(inm, a->etag) == 0) {
        res->status = 304;
        return 1;
    }
    res->status = 200;
    if (a->gzip && accepts_gzip(req)) {
        http_set_header(res, "Content-Encoding", "gzip");
        res->static_body = a->gzip;
        res->static_len = a->gzip_len;
    } else {
        res->static_body = a->data;
        res->static_len = a->len;
    }
    return 1;
}
