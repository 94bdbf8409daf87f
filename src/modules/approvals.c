/* approvals.c - see approvals.h. */
#include "approvals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/entity_action.h"
#include "../entity/filter.h"
#include "../entity/hooks.h"
#include "../util/utf8.h"

#define FLOWS_MAX 100 /* flows of one entity looked at on a submission */

/* The approval is the flow's authority, not the approver's rights on the
 * record: decisions and the requests are written as the server, within
 * the acting user's company (the same user id, so history names them). */
static entity_ctx server_ctx(const entity_ctx *c, auth_user *server)
{
    *server = *c->user;
    server->is_admin = 1;
    entity_ctx s = *c;
    s.user = server;
    s.trusted = 1;
    return s;
}

static const entity_def *entity_of(entity_ctx *c, const char *name, err *e)
{
    const entity_def *ent = meta_entity(c->m, name);
    if (!ent) err_setf(e, 500, "bad_metadata", "缺少实体 %s", "Entity %s is missing", name, name);
    return ent;
}

/* The records of `entity` matching filter (a new JSON array), read as
 * `c` sees them, oldest first. */
static json_t *records(entity_ctx *c, const char *entity, json_t *filter, int64_t limit, err *e)
{
    const entity_def *ent = entity_of(c, entity, e);
    if (!ent) return NULL;
    char *text = json_dumps(filter, JSON_COMPACT);
    list_params p = {.filter = text, .sort = "id", .limit = limit};
    strbuf sb = STRBUF_INIT;
    int rc = entity_list(c, ent, &p, &sb, e);
    free(text);
    json_t *list = rc ? NULL : json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    json_t *items = list ? json_incref(json_object_get(list, "items")) : NULL;
    json_decref(list);
    if (!rc && !json_is_array(items)) err_set(e, 500, "internal", "读取审批数据失败", "Cannot read the approval data");
    return json_is_array(items) ? items : (json_decref(items), NULL);
}

static json_t *record_of(entity_ctx *c, const char *entity, int64_t id, err *e)
{
    const entity_def *ent = entity_of(c, entity, e);
    if (!ent) return NULL;
    strbuf sb = STRBUF_INIT;
    json_t *r = entity_get(c, ent, id, 0, &sb, e) ? NULL : json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    return r;
}

static json_t *eq(const char *field, json_t *value)
{
    return json_pack("{s:s,s:s,s:o}", "field", field, "op", "eq", "value", value);
}

static int64_t int_of(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* The state an action of `ent` whose handler is `handler` leads to. */
static const char *state_of_handler(const entity_def *ent, const char *handler)
{
    for (int i = 0; i < ent->nactions; i++)
        if (ent->actions[i].handler && strcmp(ent->actions[i].handler, handler) == 0) return ent->actions[i].to;
    return NULL;
}

/* ---- flows ---- */

/* 1 when the flow's condition holds for record id (as stored), 0 not, -1 error. */
static int condition_holds(entity_ctx *srv, const entity_def *ent, const json_t *flow, int64_t id, err *e)
{
    json_t *cond = json_object_get(flow, "condition");
    json_t *filter = eq("id", json_integer(id));
    if (json_is_object(cond) && json_object_size(cond))
        filter = json_pack("{s:[o,O]}", "and", filter, cond);
    char *text = json_dumps(filter, JSON_COMPACT);
    json_decref(filter);
    int found = entity_exists(srv, ent, text, e);
    free(text);
    return found;
}

/* The first active flow of the entity whose condition holds for the
 * record (with its steps), or NULL: *flow. */
static int matching_flow(entity_ctx *srv, const entity_def *ent, int64_t id, json_t **flow, err *e)
{
    *flow = NULL;
    json_t *filter = json_pack("{s:[o,o]}", "and", eq("entity", json_string(ent->name)), eq("active", json_true()));
    json_t *flows = records(srv, "approval_flows", filter, FLOWS_MAX, e);
    json_decref(filter);
    if (!flows) return -1;
    int rc = 0;
    size_t i;
    json_t *f;
    json_array_foreach(flows, i, f)
    {
        int holds = condition_holds(srv, ent, f, id, e);
        if (holds < 0) rc = -1;
        if (holds) {
            *flow = holds > 0 ? record_of(srv, "approval_flows", int_of(f, "id"), e) : NULL;
            if (holds > 0 && !*flow) rc = -1;
            break;
        }
    }
    json_decref(flows);
    return rc;
}

/* Built-in flows (approvals_builtin_flow), kept for the process's life. */
#define BUILTIN_FLOWS_MAX 8
static struct builtin_flow {
    const char *entity, *json;
} builtins[BUILTIN_FLOWS_MAX];
static int nbuiltins;

void approvals_builtin_flow(const char *entity, const char *flow_json)
{
    if (nbuiltins < BUILTIN_FLOWS_MAX) builtins[nbuiltins++] = (struct builtin_flow){entity, flow_json};
}

/* The entity's built-in flow (a new reference), or NULL. */
static json_t *builtin_flow(const entity_def *ent)
{
    for (int i = 0; i < nbuiltins; i++)
        if (strcmp(builtins[i].entity, ent->name) == 0) return json_loads(builtins[i].json, 0, NULL);
    return NULL;
}

static int no_approver(const json_t *flow, int step, err *e)
{
    const char *name = json_string_value(json_object_get(flow, "name"));
    err_add_field(e, "approver", "no_approver");
    return err_setf(e, 422, "no_approver", "审批流程「%s」第 %d 步找不到审批人（提交人没有上级角色？）",
                    "Step %2$d of the approval flow \"%1$s\" has no approver (has the submitter no superior role?)", name,
                    step, name, step);
}

/* The flow's steps with their approver resolved now: each {"kind", and
 * "role_id" or "user_id"}. The superior is the parent of the submitter's
 * role on the role tree. */
static json_t *resolved_steps(entity_ctx *srv, const json_t *flow, err *e)
{
    json_t *lines = json_object_get(flow, "steps"), *out = json_array(), *line;
    size_t i;
    json_array_foreach(lines, i, line)
    {
        const char *kind = json_string_value(json_object_get(line, "kind"));
        int64_t role = int_of(line, "role_id"), user = int_of(line, "user_id");
        if (kind && strcmp(kind, "superior") == 0) {
            json_t *mine = srv->user->role_id ? record_of(srv, "roles", srv->user->role_id, e) : NULL;
            role = int_of(mine, "parent_id");
            json_decref(mine);
            user = 0;
        }
        if (kind && strcmp(kind, "user") == 0) role = 0;
        else user = 0;
        if (!role && !user) {
            json_decref(out);
            err_clear(e);
            no_approver(flow, (int)i + 1, e);
            return NULL;
        }
        json_array_append_new(out, role ? json_pack("{s:s,s:I}", "kind", kind, "role_id", (json_int_t)role)
                                        : json_pack("{s:s,s:I}", "kind", kind, "user_id", (json_int_t)user));
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        err_add_field(e, "steps", "required");
        return err_setf(e, 422, "flow_without_steps", "审批流程「%s」没有审批步骤", "The approval flow \"%s\" has no steps",
                        json_string_value(json_object_get(flow, "name")), json_string_value(json_object_get(flow, "name"))),
               NULL;
    }
    return out;
}

/* Puts step n's (1-based) approver into a request body. */
static void set_approver(json_t *req, const json_t *steps, int64_t n)
{
    const json_t *s = json_array_get(steps, (size_t)(n - 1));
    int64_t role = int_of(s, "role_id"), user = int_of(s, "user_id");
    json_object_set_new(req, "step", json_integer(n));
    json_object_set_new(req, "approver_role_id", role ? json_integer(role) : json_null());
    json_object_set_new(req, "approver_user_id", user ? json_integer(user) : json_null());
}

/* ---- the record's side ---- */

/* 业务订单 DD-000001 办公电脑订单 */
static char *title_of(entity_ctx *c, const entity_def *ent, const json_t *record)
{
    const char *code = json_string_value(json_object_get(record, "code"));
    const char *name = ent->name_field ? json_string_value(json_object_get(record, ent->name_field)) : NULL;
    return arena_printf(c->a, "%s %s%s%s", ent->label_zh, code ? code : "", code && name ? " " : "", name ? name : "");
}

/* One line of the record's history: what was decided, and the comment. */
static int log_decision(entity_ctx *c, const entity_def *ent, int64_t id, const char *what, const char *comment, err *e)
{
    const char *text = comment && *comment ? arena_printf(c->a, "%s：%s", what, comment) : what;
    return entity_log(c, ent, id, "approval", NULL, NULL, text, e);
}

/* The comment of a decision: the only key of the body; empty when none. */
static int comment_of(json_t *body, const char **comment, err *e)
{
    const char *key;
    json_t *v;
    *comment = "";
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "comment") != 0) {
            err_add_field(e, key, "unknown");
            return err_set(e, 422, "validation_failed", "只能填写审批意见 comment", "Only a comment is allowed");
        }
        if (!json_is_string(v) && !json_is_null(v)) {
            err_add_field(e, "comment", "invalid_type");
            return err_set(e, 422, "validation_failed", "审批意见必须是文本", "The comment must be text");
        }
        if (json_is_string(v)) *comment = json_string_value(v);
    }
    if (utf8_length(*comment, strlen(*comment)) > 1000) { /* characters, as every text limit the user reads */
        err_add_field(e, "comment", "too_long");
        return err_set(e, 422, "validation_failed", "审批意见不能超过 1000 个字符", "The comment is longer than 1000 characters");
    }
    return 0;
}

/* The record's pending request (a new reference), or NULL with 409. */
static json_t *pending_request(entity_ctx *srv, const entity_def *ent, int64_t id, err *e)
{
    json_t *filter = json_pack("{s:[o,o,o]}", "and", eq("entity", json_string(ent->name)), eq("record_id", json_integer(id)),
                               eq("status", json_string("pending")));
    json_t *found = records(srv, "approval_requests", filter, 1, e);
    json_decref(filter);
    json_t *req = json_incref(json_array_get(found, 0));
    json_decref(found);
    if (!req && found)
        err_set(e, 409, "no_pending_request", "该记录没有待处理的审批申请", "The record has no pending approval request");
    return req;
}

static int update_request(entity_ctx *srv, const json_t *req, json_t *changes, err *e)
{
    const entity_def *ent = entity_of(srv, "approval_requests", e);
    int rc = ent ? entity_update(srv, ent, int_of(req, "id"), changes, 0, e) : -1;
    json_decref(changes);
    return rc;
}

/* The record's own change, written as the server: an approver need not
 * have the edit right on the record, only to see it. */
static int move_record(entity_ctx *srv, const entity_def *ent, int64_t id, json_t *changes, err *e)
{
    int rc = json_object_size(changes) ? entity_update(srv, ent, id, changes, 0, e) : 0;
    json_object_clear(changes);
    return rc;
}

/* ---- the handlers ---- */

static int submit(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record, json_t *body,
                  json_t *changes, json_t *result, err *e)
{
    const char *comment;
    if (comment_of(body, &comment, e)) return -1;
    /* Submitted first, so the flows judge the record as submitted (module
     * hooks may stamp what a condition reads, e.g. 超出资信额度). */
    entity_ctx trusted = *c;
    trusted.trusted = 1;
    json_t *submitted = json_pack("{s:s}", act->field, act->to);
    int moved = entity_update(&trusted, ent, id, submitted, 0, e);
    json_decref(submitted);
    json_object_clear(changes);
    if (moved) return -1;
    auth_user server;
    entity_ctx srv = server_ctx(c, &server);
    json_t *flow;
    if (matching_flow(&srv, ent, id, &flow, e)) return -1;
    if (!flow) flow = builtin_flow(ent);
    if (!flow) { /* no flow asks for it: approved at once, both steps in the history */
        const char *approved = state_of_handler(ent, "approval_approve");
        json_object_set_new(result, "approval", json_string("not_needed"));
        if (approved) json_object_set_new(changes, act->field, json_string(approved));
        return log_decision(c, ent, id, "无需审批，直接通过", comment, e);
    }
    json_t *steps = resolved_steps(&srv, flow, e);
    int rc = -1;
    if (!steps) goto done;
    const entity_def *requests = entity_of(c, "approval_requests", e);
    if (!requests) goto done;
    json_t *req = json_pack("{s:s,s:s,s:I,s:I,s:s,s:I,s:O,s:I,s:s}", "title", title_of(c, ent, record), "entity", ent->name,
                            "record_id", (json_int_t)id, "flow_id", (json_int_t)int_of(flow, "id"), "status", "pending",
                            "steps_total", (json_int_t)json_array_size(steps), "steps", steps, "submitted_by",
                            (json_int_t)c->user->id, "comment", comment);
    set_approver(req, steps, 1);
    if (!int_of(flow, "id")) json_object_del(req, "flow_id"); /* a built-in flow is no record */
    int64_t req_id = 0;
    rc = entity_create(&srv, requests, req, &req_id, e);
    json_decref(req);
    if (rc) goto done;
    json_object_set_new(result, "approval", json_string("pending"));
    json_object_set_new(result, "approval_request_id", json_integer(req_id));
    rc = log_decision(c, ent, id,
                      arena_printf(c->a, "提交审批（流程「%s」，共 %zu 步）", json_string_value(json_object_get(flow, "name")),
                                   json_array_size(steps)),
                      comment, e);
done:
    json_decref(steps);
    json_decref(flow);
    return rc;
}

/* The pending request of record id and the body's comment (required
 * when `comment_needed`), when srv's user may decide it now: the current
 * step's approver, never the submitter. NULL with 403 / 409 / 422. */
static json_t *decidable_request(entity_ctx *srv, const entity_def *ent, int64_t id, json_t *body, int comment_needed,
                                 const char **comment, err *e)
{
    if (comment_of(body, comment, e)) return NULL;
    if (comment_needed && !**comment) {
        err_add_field(e, "comment", "required");
        return err_set(e, 422, "validation_failed", "驳回时必须填写审批意见", "A rejection needs a comment"), NULL;
    }
    json_t *req = pending_request(srv, ent, id, e);
    if (!req) return NULL;
    const auth_user *u = srv->user;
    int64_t role = int_of(req, "approver_role_id"), user = int_of(req, "approver_user_id");
    if (int_of(req, "submitted_by") == u->id) {
        err_set(e, 403, "own_request", "不能审批自己提交的申请", "You cannot decide on your own request");
    } else if (!(user && user == u->id) && !(role && role == u->role_id)) {
        err_set(e, 403, "not_approver", "您不是当前步骤的审批人", "You are not the approver of the current step");
    } else {
        return req;
    }
    json_decref(req);
    return NULL;
}

/* A decision written: the request (req_changes, taken), the record's
 * history, and the record's own change. */
static int decided(entity_ctx *c, entity_ctx *srv, const entity_def *ent, int64_t id, json_t *req, json_t *req_changes,
                   const char *what, const char *comment, json_t *changes, err *e)
{
    int rc = update_request(srv, req, req_changes, e) || log_decision(c, ent, id, what, comment, e) ||
             move_record(srv, ent, id, changes, e);
    json_decref(req);
    return rc;
}

static int approve(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record, json_t *body,
                   json_t *changes, json_t *result, err *e)
{
    (void)act, (void)record;
    const char *comment;
    auth_user server;
    entity_ctx srv = server_ctx(c, &server);
    json_t *req = decidable_request(&srv, ent, id, body, 0, &comment, e);
    if (!req) return -1;
    int64_t step = int_of(req, "step"), total = int_of(req, "steps_total");
    json_t *upd = json_pack("{s:s}", "comment", comment);
    if (step < total) { /* the next step's approver takes over; the record stays pending */
        set_approver(upd, json_object_get(req, "steps"), step + 1);
        json_object_clear(changes);
    } else {
        json_object_set_new(upd, "status", json_string("approved"));
    }
    json_object_set_new(result, "approval", json_string(step < total ? "pending" : "approved"));
    json_object_set_new(result, "step", json_integer(step < total ? step + 1 : step));
    return decided(c, &srv, ent, id, req, upd,
                   arena_printf(c->a, "审批通过（第 %lld 步，共 %lld 步）", (long long)step, (long long)total), comment,
                   changes, e);
}

static int reject(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record, json_t *body,
                  json_t *changes, json_t *result, err *e)
{
    (void)act, (void)record;
    const char *comment;
    auth_user server;
    entity_ctx srv = server_ctx(c, &server);
    json_t *req = decidable_request(&srv, ent, id, body, 1, &comment, e);
    if (!req) return -1;
    json_object_set_new(result, "approval", json_string("rejected"));
    return decided(c, &srv, ent, id, req, json_pack("{s:s,s:s}", "status", "rejected", "comment", comment), "驳回",
                   comment, changes, e);
}

static int withdraw(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record, json_t *body,
                    json_t *changes, json_t *result, err *e)
{
    (void)act, (void)record;
    const char *comment;
    if (comment_of(body, &comment, e)) return -1;
    auth_user server;
    entity_ctx srv = server_ctx(c, &server);
    json_t *req = pending_request(&srv, ent, id, e);
    if (!req) return -1;
    if (int_of(req, "submitted_by") != c->user->id) {
        json_decref(req);
        return err_set(e, 403, "not_submitter", "只有提交人可以撤回审批申请", "Only the submitter can withdraw the request");
    }
    json_object_set_new(result, "approval", json_string("withdrawn"));
    return decided(c, &srv, ent, id, req, json_pack("{s:s,s:s}", "status", "withdrawn", "comment", comment),
                   "撤回审批申请", comment, changes, e);
}

/* ---- the flows and requests themselves ---- */

/* A flow applies to an entity that takes part (one of its actions is
 * approval_submit) and its condition is a filter of that entity. */
static int flow_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const char *entity = hook_text(ch, "entity");
    const entity_def *target = entity ? meta_entity(c->m, entity) : NULL;
    if (entity && (!target || !state_of_handler(target, "approval_submit"))) {
        err_add_field(e, "entity", "not_approvable");
        return err_set(e, 422, "validation_failed", "该业务对象不支持审批流程", "That entity takes no approval flows");
    }
    const char *cond = hook_text(ch, "condition");
    if (!target || !cond || !*cond) return 0;
    query q;
    query_init(&q, c->a);
    filter_ctx fc = {.entity = target, .dialect = db_dialect_of(c->db), .alias = "t"};
    err why;
    err_clear(&why);
    int bad = filter_compile(&fc, cond, strlen(cond), &q, &why);
    query_free(&q);
    if (!bad) return 0;
    err_add_field(e, "condition", "bad_filter");
    return err_setf(e, 422, "validation_failed", "触发条件无效：%s%.0s", "%.0sThe condition is not a valid filter: %s", why.zh,
                    why.en);
}

/* Requests are written by the decisions above only. */
static int request_by_server(entity_ctx *c, hook_change *ch, err *e)
{
    (void)ch;
    if (c->trusted) return 0;
    return err_set(e, 422, "read_only", "审批申请只能通过提交、审批、驳回和撤回改变",
                   "An approval request changes only by submitting, approving, rejecting or withdrawing");
}

int approvals_inbox(entity_ctx *c, int64_t limit, int64_t offset, strbuf *out, err *e)
{
    return approvals_inbox_of(c, NULL, limit, offset, out, e);
}

int approvals_inbox_of(entity_ctx *c, const char *entity, int64_t limit, int64_t offset, strbuf *out, err *e)
{
    const entity_def *ent = entity_of(c, "approval_requests", e);
    if (!ent) return -1;
    json_t *mine = json_pack("{s:[o,o]}", "or", eq("approver_user_id", json_integer(c->user->id)),
                             eq("approver_role_id", c->user->role_id ? json_integer(c->user->role_id) : json_integer(-1)));
    json_t *filter = json_pack("{s:[o,o,o]}", "and", eq("status", json_string("pending")), mine,
                               json_pack("{s:s,s:s,s:I}", "field", "submitted_by", "op", "ne", "value",
                                         (json_int_t)c->user->id));
    if (entity) json_array_append_new(json_object_get(filter, "and"), eq("entity", json_string(entity)));
    char *text = json_dumps(filter, JSON_COMPACT);
    json_decref(filter);
    list_params p = {.filter = text, .sort = "id", .limit = limit, .offset = offset};
    int rc = entity_list(c, ent, &p, out, e);
    free(text);
    return rc;
}

void approvals_init(void)
{
    entity_register_action("approval_submit", submit);
    entity_register_action("approval_approve", approve);
    entity_register_action("approval_reject", reject);
    entity_register_action("approval_withdraw", withdraw);
    entity_before("approval_flows", ON_WRITE, flow_sane);
    entity_before("approval_requests", ON_WRITE | ON_DELETE | ON_RESTORE | ON_OWNER, request_by_server);
}
