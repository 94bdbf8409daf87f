/* request.c - the helpers handlers use to read a request and shape a
 * response, including the one place the JSON error body is built. */
#include <jansson.h>
#include <microhttpd.h>
#include <string.h>

#include "http.h"
#include "../util/json_numbers.h"

const char *http_query(http_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void http_set_header(http_response *res, const char *name, const char *value)
{
    if (res->nheaders >= HTTP_MAX_HEADERS) return;
    res->header_names[res->nheaders] = name;
    res->header_values[res->nheaders] = value;
    res->nheaders++;
}

void http_json(http_response *res, int status)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
}

void http_error(http_request *req, http_response *res, const err *e)
{
    sb_clear(&res->body);
    res->static_body = NULL;
    sb_append(&res->body, "{\"error\":{\"code\":");
    sb_json_string(&res->body, e->code ? e->code : "internal_error");
    sb_append(&res->body, ",\"message\":");
    sb_json_string(&res->body, err_message(e, req->lang));
    if (e->nfields > 0) {
        sb_append(&res->body, ",\"fields\":{");
        for (int i = 0; i < e->nfields; i++) {
            if (i) sb_putc(&res->body, ',');
            sb_json_string(&res->body, e->fields[i].name);
            sb_putc(&res->body, ':');
            sb_json_string(&res->body, e->fields[i].reason);
        }
        sb_putc(&res->body, '}');
    }
    sb_append(&res->body, "}}");
    http_json(res, e->status ? e->status : 500);
}

void http_fail(http_request *req, http_response *res, int status, const char *code, const char *zh,
               const char *en)
{
    err e;
    err_clear(&e);
    err_set(&e, status, code, zh, en);
    http_error(req, res, &e);
}

json_t *http_json_body(http_request *req, http_response *res)
{
    if (!req->body || req->body_len == 0) {
        http_fail(req, res, 400, "bad_json", "请求内容为空，需要 JSON 对象",
                  "The request body is empty; a JSON object is expected");
        return NULL;
    }
    size_t tiny_len;
    long tiny = json_tiny_number(req->body, req->body_len, &tiny_len);
    if (tiny >= 0) {
        err e;
        err_clear(&e);
        err_setf(&e, 422, "number_out_of_range", "数字 %.*s 太小，无法准确表示（会被当作 0）",
                 "The number %.*s is too small to be represented (it would become 0)",
                 (int)(tiny_len < 40 ? tiny_len : 40), req->body + tiny);
        http_error(req, res, &e);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        err e;
        err_clear(&e);
        err_setf(&e, 400, "bad_json", "JSON 格式错误（第 %d 行第 %d 列）",
                 "Malformed JSON (line %d, column %d)", je.line, je.column);
        http_error(req, res, &e);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        http_fail(req, res, 400, "bad_json", "请求内容必须是 JSON 对象",
                  "The request body must be a JSON object");
        return NULL;
    }
    return v;
}
