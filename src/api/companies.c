/* companies.c - the companies (tenants) of the platform:
 *   GET   /api/v1/companies        all of them (platform administrators) or one's own
 *   POST  /api/v1/companies        a company with its first administrator
 *   GET   /api/v1/companies/{id}
 *   PATCH /api/v1/companies/{id}   rename, suspend or reactivate
 * The rules are in src/modules/companies.c. */
#include "../modules/companies.h"
#include "api.h"

static void list_companies(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (companies_list(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void answer_company(http_request *req, http_response *res, entity_ctx *c, int64_t id, int status)
{
    err e;
    err_clear(&e);
    sb_clear(&res->body);
    if (companies_get(c, id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, status);
}

static void get_company(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "公司不存在", "No such company");
    answer_company(req, res, &c, id, 200);
}

static void post_company(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (!req->user->platform_admin) {
        err_set(&e, 403, "forbidden", "只有平台管理员可以新建公司", "Only platform administrators add companies");
        return http_error(req, res, &e);
    }
    json_t *body = http_json_body(req, res);
    if (!body) return;
    int64_t id = 0;
    int rc = companies_create(&c, body, &id, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_set_header(res, "Location", arena_printf(req->a, "/api/v1/companies/%lld", (long long)id));
    answer_company(req, res, &c, id, 201);
}

static void patch_company(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "公司不存在", "No such company");
    err e;
    err_clear(&e);
    if (!req->user->platform_admin) {
        err_set(&e, 403, "forbidden", "只有平台管理员可以修改公司", "Only platform administrators change companies");
        return http_error(req, res, &e);
    }
    json_t *body = http_json_body(req, res);
    if (!body) return;
    int rc = companies_update(&c, id, body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    answer_company(req, res, &c, id, 200);
}

const route api_company_routes[] = {
    {"GET", "/api/v1/companies", list_companies, 0,
     .doc = {.tag = "companies", .summary = "公司列表 / companies", .id = "list_companies", .ok = "200",
             .reply = "CompanyList"}},
    {"POST", "/api/v1/companies", post_company, 0,
     .doc = {.tag = "companies", .summary = "新建公司及其管理员 / add a company with its administrator",
             .id = "create_company", .body = "CompanyCreate", .ok = "201", .reply = "Company",
             .errors = "403 409 422"}},
    {"GET", "/api/v1/companies/:id", get_company, 0,
     .doc = {.tag = "companies", .summary = "公司 / a company", .id = "get_company",
             .path = (const route_param[]){{"id", "integer", "company id", 1}, {0}}, .ok = "200",
             .reply = "Company", .errors = "404"}},
    {"PATCH", "/api/v1/companies/:id", patch_company, 0,
     .doc = {.tag = "companies", .summary = "修改或停用公司 / rename, suspend or reactivate a company",
             .id = "update_company", .path = (const route_param[]){{"id", "integer", "company id", 1}, {0}},
             .body = "CompanyUpdate", .ok = "200", .reply = "Company", .errors = "403 404 409 422"}},
    {0},
};
