/* mail.c - 通讯中心 requests of /api/v1 (docs/mail.md):
 *   GET  /api/v1/communications/merge-fields     the merge fields the caller may use
 *   POST /api/v1/communications/preview          a template merged for one contact
 *   POST /api/v1/communications/send             queue a template for contacts, a campaign or a filter
 *   GET  /api/v1/communications/batches/{batch}  per-status counts of a send
 *   GET|PUT /api/v1/communications/settings      the company's SMTP server and SMS gateway
 *   GET  /api/v1/communications/sms-outbox       what the test-double SMS gateway recorded
 *   GET|PUT /api/v1/communications/mailbox       the company's inbound IMAP mailbox and what it received
 *   GET  /api/v1/mail-links/{token}               the recipient of a link (no sign-in)
 *   POST /api/v1/mail-links/{token}/unsubscribe   退订 (no sign-in)
 *   GET  /api/v1/mail-links/{token}/open          the open pixel (no sign-in)
 *   GET  /api/v1/mail-links/{token}/click?n=      the click-through redirect (no sign-in) */
#include "../modules/mail.h"
#include "../modules/mail_inbound.h"
#include "api.h"

#include <string.h>

typedef int (*body_fn)(entity_ctx *c, json_t *body, strbuf *out, err *e);
typedef int (*plain_fn)(entity_ctx *c, strbuf *out, err *e);

static void with_body(http_request *req, http_response *res, body_fn fn)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = fn(&c, body, &res->body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_json(res, 200);
}

static void plain(http_request *req, http_response *res, plain_fn fn)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (fn(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void merge_fields(http_request *req, http_response *res) { plain(req, res, mail_merge_fields); }
static void preview(http_request *req, http_response *res) { with_body(req, res, mail_preview); }
static void send(http_request *req, http_response *res) { with_body(req, res, mail_send); }
static void settings_get(http_request *req, http_response *res) { plain(req, res, mail_settings_get); }
static void settings_put(http_request *req, http_response *res) { with_body(req, res, mail_settings_put); }
static void sms_outbox(http_request *req, http_response *res) { plain(req, res, mail_sms_outbox); }
static void mailbox_get(http_request *req, http_response *res) { plain(req, res, mail_inbound_get); }
static void mailbox_put(http_request *req, http_response *res) { with_body(req, res, mail_inbound_put); }

static void batch(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (mail_batch(&c, req->params[0], &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void link_info(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    if (mail_link_info(req->db, req->a, req->params[0], &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void unsubscribe(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    if (mail_link_unsubscribe(req->db, req->a, req->params[0], &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* A transparent 1x1 GIF, whatever the token: a pixel never shows an error. */
static const unsigned char PIXEL[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00,
                                      0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
                                      0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

static void opened(http_request *req, http_response *res)
{
    mail_link_opened(req->db, req->params[0]);
    res->status = 200;
    res->content_type = "image/gif";
    res->static_body = PIXEL;
    res->static_len = sizeof PIXEL;
    http_set_header(res, "Cache-Control", "no-store");
}

static void click(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    const char *url = NULL;
    if (mail_link_click(req->db, req->a, req->params[0], http_query(req, "n"), &url, &e)) return http_error(req, res, &e);
    http_set_header(res, "Cache-Control", "no-store");
    sb_append(&res->body, "{\"url\":");
    sb_json_string(&res->body, url);
    sb_putc(&res->body, '}');
    /* a client asking for JSON gets the destination; a mail reader goes there */
    const char *accept = http_header(req, "Accept");
    if (accept && strstr(accept, "application/json")) return http_json(res, 200);
    http_set_header(res, "Location", url);
    http_json(res, 302);
}

static const route_param TOKEN_PARAM[] = {{"token", "string", "the message's link token", 1}, {0}};
static const route_param BATCH_PARAM[] = {{"batch", "string", "the batch number of a send", 1}, {0}};
static const route_param CLICK_QUERY[] = {{"n", "integer", "which link of the message, from 0", 1}, {0}};

#define TEMPLATE_BODY                                                                                                  \
    "{\"type\":\"object\",\"properties\":{\"template_id\":{\"type\":\"integer\"},\"channel\":{\"type\":\"string\"},"   \
    "\"subject\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},\"contact_id\":{\"type\":\"integer\"}},"         \
    "\"required\":[\"contact_id\"]}"
#define SEND_BODY                                                                                                      \
    "{\"type\":\"object\",\"properties\":{\"template_id\":{\"type\":\"integer\"},\"contact_ids\":{\"type\":\"array\"," \
    "\"items\":{\"type\":\"integer\"}},\"campaign_id\":{\"type\":\"integer\"},\"filter\":{\"type\":\"object\"},"        \
    "\"account_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},\"account_filter\":{\"type\":\"object\"},"      \
    "\"q\":{\"type\":\"string\"}},\"required\":[\"template_id\"]}"
#define SETTINGS_SCHEMA                                                                                                \
    "{\"type\":\"object\",\"properties\":{\"smtp_host\":{\"type\":\"string\"},\"smtp_port\":{\"type\":\"integer\"},"   \
    "\"tls_mode\":{\"type\":\"string\",\"enum\":[\"none\",\"starttls\",\"tls\"]},\"username\":{\"type\":\"string\"},"  \
    "\"password\":{\"type\":\"string\",\"writeOnly\":true},\"from_address\":{\"type\":\"string\"},"                   \
    "\"from_name\":{\"type\":\"string\"},\"rate_per_minute\":{\"type\":\"integer\"},\"public_url\":{\"type\":\"string\"}," \
    "\"sms_provider\":{\"type\":\"string\"},\"password_set\":{\"type\":\"boolean\",\"readOnly\":true}}}"

#define MAILBOX_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"properties\":{\"imap_host\":{\"type\":\"string\"},\"imap_port\":{\"type\":\"integer\"},"       \
    "\"tls_mode\":{\"type\":\"string\",\"enum\":[\"none\",\"starttls\",\"tls\"]},\"username\":{\"type\":\"string\"},"        \
    "\"password\":{\"type\":\"string\",\"writeOnly\":true},\"folder\":{\"type\":\"string\"},"                              \
    "\"creates\":{\"type\":\"string\",\"enum\":[\"ticket\",\"lead\"]},\"queue_id\":{\"type\":\"integer\"},"                \
    "\"enabled\":{\"type\":\"boolean\"},\"password_set\":{\"type\":\"boolean\",\"readOnly\":true},"                       \
    "\"polled_at\":{\"type\":\"string\",\"nullable\":true,\"readOnly\":true},\"last_error\":{\"type\":\"string\",\"readOnly\":true}," \
    "\"last_uid\":{\"type\":\"integer\",\"readOnly\":true},\"recent\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},\"readOnly\":true}}}"

const route api_mail_routes[] = {
    {"GET", "/api/v1/communications/merge-fields", merge_fields, 0,
     .doc = {.tag = "comm_templates", .summary = "可用的合并字段 / merge fields", .id = "merge_fields", .ok = "200"}},
    {"POST", "/api/v1/communications/preview", preview, 0,
     .doc = {.tag = "comm_templates", .summary = "预览模板 / preview a template for a contact", .id = "preview_template",
             .body = TEMPLATE_BODY, .ok = "200", .errors = "403 404 422"}},
    {"POST", "/api/v1/communications/send", send, ROUTE_LARGE_BODY,
     .doc = {.tag = "comm_messages", .summary = "发送或批量沟通 / queue a template for recipients", .id = "send_messages",
             .body = SEND_BODY, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"batch\":{\"type\":\"string\"},\"queued\":{\"type\":\"integer\"},"
                      "\"unsubscribed\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"}}}",
             .errors = "403 422"}},
    {"GET", "/api/v1/communications/batches/:batch", batch, 0,
     .doc = {.tag = "comm_messages", .summary = "发送进度 / progress of a send", .id = "message_batch",
             .path = BATCH_PARAM, .ok = "200", .errors = "404"}},
    {"GET", "/api/v1/communications/settings", settings_get, 0,
     .doc = {.tag = "comm_messages", .summary = "邮件设置 / mail settings", .id = "mail_settings",
             .ok = "200", .reply = SETTINGS_SCHEMA, .errors = "403"}},
    {"PUT", "/api/v1/communications/settings", settings_put, 0,
     .doc = {.tag = "comm_messages", .summary = "修改邮件设置 / change mail settings", .id = "set_mail_settings",
             .body = SETTINGS_SCHEMA, .ok = "200", .reply = SETTINGS_SCHEMA, .errors = "403 422"}},
    {"GET", "/api/v1/communications/sms-outbox", sms_outbox, 0,
     .doc = {.tag = "comm_messages", .summary = "测试短信网关记录 / the test SMS gateway's outbox", .id = "sms_outbox",
             .ok = "200", .errors = "403"}},
    {"GET", "/api/v1/communications/mailbox", mailbox_get, 0,
     .doc = {.tag = "comm_messages", .summary = "接收邮箱 / the inbound mailbox", .id = "mailbox",
             .ok = "200", .reply = MAILBOX_SCHEMA, .errors = "403"}},
    {"PUT", "/api/v1/communications/mailbox", mailbox_put, 0,
     .doc = {.tag = "comm_messages", .summary = "设置接收邮箱 / set up the inbound mailbox", .id = "set_mailbox",
             .body = MAILBOX_SCHEMA, .ok = "200", .reply = MAILBOX_SCHEMA, .errors = "403 422"}},
    {"GET", "/api/v1/mail-links/:token", link_info, ROUTE_PUBLIC,
     .doc = {.tag = "comm_messages", .summary = "邮件链接的收件人 / the recipient of a mail link", .id = "mail_link",
             .path = TOKEN_PARAM, .ok = "200", .errors = "404"}},
    {"POST", "/api/v1/mail-links/:token/unsubscribe", unsubscribe, ROUTE_PUBLIC | ROUTE_NO_CSRF,
     .doc = {.tag = "comm_messages", .summary = "退订邮件 / unsubscribe", .id = "unsubscribe", .path = TOKEN_PARAM,
             .body_optional = 1, .ok = "200", .errors = "404 410"}},
    {"GET", "/api/v1/mail-links/:token/open", opened, ROUTE_PUBLIC,
     .doc = {.tag = "comm_messages", .summary = "打开跟踪 / open tracking pixel", .id = "mail_opened",
             .path = TOKEN_PARAM, .ok = "200", .reply_types = "image/gif"}},
    {"GET", "/api/v1/mail-links/:token/click", click, ROUTE_PUBLIC,
     .doc = {.tag = "comm_messages", .summary = "点击跟踪并跳转 / click-through redirect", .id = "mail_click",
             .path = TOKEN_PARAM, .query = CLICK_QUERY, .ok = "200 302",
             .reply = "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}}}", .errors = "404"}},
    {0},
};
