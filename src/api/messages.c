/* messages.c - sending 站内消息:
 *   POST /api/v1/messages/send   {"subject","body"?,"user_ids"?,"role_ids"?,"department_ids"?}
 * One copy per recipient, each in its recipient's inbox (messages are
 * personal); reading and marking read go through the records API. */
#include <stdlib.h>

#include "../modules/messages.h"
#include "api.h"

static void send_message(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    static const char *const KEYS[] = {"subject", "body", "user_ids", "role_ids", "department_ids", NULL};
    json_t *to = json_array();
    int rc = -1;
    if (api_unknown_keys(body, KEYS, &e))
        err_set(&e, 422, "validation_failed", "只能包含 subject、body、user_ids、role_ids、department_ids",
                "Only subject, body, user_ids, role_ids and department_ids are allowed");
    else
        rc = messages_send(&c, body, to, &e);
    json_decref(body);
    if (rc) {
        json_decref(to);
        return http_error(req, res, &e);
    }
    char *ids = json_dumps(to, JSON_COMPACT);
    sb_printf(&res->body, "{\"sent\":%zu,\"recipient_ids\":%s}", json_array_size(to), ids);
    free(ids);
    json_decref(to);
    http_json(res, 200);
}

const route api_message_routes[] = {
    {"POST", "/api/v1/messages/send", send_message, 0,
     .doc = {.tag = "messages", .summary = "发送站内消息 / send a message", .id = "send_message",
             .body = "{\"type\":\"object\",\"required\":[\"subject\"],\"properties\":{"
                     "\"subject\":{\"type\":\"string\",\"maxLength\":200},\"body\":{\"type\":\"string\"},"
                     "\"user_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                     "\"role_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                     "\"department_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}}}",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"sent\":{\"type\":\"integer\"},"
                      "\"recipient_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}}}",
             .errors = "404 422"}},
    {0},
};
