/* owners.c - who owns a record:
 *   POST /api/v1/{entity}/{id}/assign  {"owner_id": N|null}   分配/转移 (administrators, managers)
 *   POST /api/v1/{entity}/{id}/claim                          领取 from the public pool
 *   POST /api/v1/{entity}/{id}/release                        退回公海
 * claim and release exist on entities with a pool (customers). Every change
 * is one conditional UPDATE in the engine and lands in the history. */
#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "api.h"

static const entity_def *owned_target(http_request *req, http_response *res, entity_ctx *c,
                                      int need_pool, int64_t *id)
{
    api_entity_ctx(req, c);
    const entity_def *ent = api_entity(req, res, c, req->params[0]);
    if (!ent) return NULL;
    *id = api_parse_id(req->params[1]);
    if (!*id || ent->is_system || (need_pool && !ent->pool)) {
        http_fail(req, res, 404, "not_found", "请求的资源不存在", "Not found");
        return NULL;
    }
    return ent;
}

static void answer(http_request *req, http_response *res, entity_ctx *c, const entity_def *ent,
                   int64_t id, int rc, const err *e)
{
    if (rc) return http_error(req, res, e);
    err e2;
    err_clear(&e2);
    if (entity_get(c, ent, id, 0, &res->body, &e2)) return http_error(req, res, &e2);
    http_json(res, 200);
}

static void assign(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id;
    const entity_def *ent = owned_target(req, res, &c, 0, &id);
    if (!ent) return;
    if (!acl_can_assign(req->user, ent))
        return http_fail(req, res, 403, "forbidden", "没有分配负责人的权限", "No permission to assign owners");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    json_t *owner = json_object_get(body, "owner_id");
    int ok = json_object_size(body) == 1 && owner && (json_is_null(owner) || json_is_integer(owner));
    int64_t new_owner = ok && json_is_integer(owner) ? json_integer_value(owner) : 0;
    json_decref(body);
    err e;
    err_clear(&e);
    if (!ok || (new_owner && !user_is_active(c.db, new_owner))) {
        err_add_field(&e, "owner_id", ok ? "not_found" : "invalid_type");
        err_set(&e, 422, "validation_failed", "请指定一个有效的在职用户作为负责人（或 null 退回公海）",
                "Give an active user as owner_id (or null for the pool)");
        return http_error(req, res, &e);
    }
    if (!new_owner && !ent->pool)
        return http_fail(req, res, 422, "validation_failed", "该类记录必须有负责人", "These records need an owner");
    if (new_owner && !acl_can_assign_to(req->user, ent, new_owner))
        return http_fail(req, res, 403, "forbidden", "只能分配给自己或下级", "You can only assign to yourself or the people below you");
    answer(req, res, &c, ent, id, entity_set_owner(&c, ent, id, new_owner, -1, &e), &e);
}

static void claim(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id;
    const entity_def *ent = owned_target(req, res, &c, 1, &id);
    if (!ent) return;
    if (!acl_can(req->user, ent, ACL_EDIT))
        return http_fail(req, res, 403, "forbidden", "没有领取的权限", "No permission to claim");
    err e;
    err_clear(&e);
    answer(req, res, &c, ent, id, entity_set_owner(&c, ent, id, req->user->id, 0, &e), &e);
}

static void release(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id;
    const entity_def *ent = owned_target(req, res, &c, 1, &id);
    if (!ent) return;
    /* Only the owner gives a customer back; an administrator may for anyone. */
    int64_t expected = acl_can_assign(req->user, ent) ? -1 : req->user->id;
    err e;
    err_clear(&e);
    answer(req, res, &c, ent, id, entity_set_owner(&c, ent, id, 0, expected, &e), &e);
}

const route api_owner_routes[] = {
    {"POST", "/api/v1/:entity/:id/assign", assign, 0,
     .doc = {.summary = "分配负责人 / assign owner", .id = "assign", .path = API_ID_PARAM,
             .body = "{\"type\":\"object\",\"required\":[\"owner_id\"],\"properties\":"
                     "{\"owner_id\":{\"type\":\"integer\",\"nullable\":true}}}",
             .ok = "200", .reply = ":entity", .errors = "403 404 409 422", .only_if = "owned"}},
    {"POST", "/api/v1/:entity/:id/claim", claim, 0,
     .doc = {.summary = "从公海领取 / claim from the pool", .id = "claim", .path = API_ID_PARAM, .ok = "200",
             .reply = ":entity", .errors = "403 404 409", .only_if = "pool"}},
    {"POST", "/api/v1/:entity/:id/release", release, 0,
     .doc = {.summary = "退回公海 / release to the pool", .id = "release", .path = API_ID_PARAM, .ok = "200",
             .reply = ":entity", .errors = "403 404 409", .only_if = "pool"}},
    {0},
};
