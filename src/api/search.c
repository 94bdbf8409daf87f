/* search.c - GET /api/v1/search?q=TEXT: the top bar's global search, a few
 * hits from every entity the user may view, each through the same engine
 * search (and so the same visibility rules) as the entity's own list. */
#include <string.h>

#include "api.h"

#define SEARCH_HITS_PER_ENTITY 5

static void global_search(http_request *req, http_response *res)
{
    const char *q = http_query(req, "q");
    if (!q || !*q) return http_fail(req, res, 400, "bad_param", "请输入搜索内容", "Enter something to search for");
    if (strlen(q) > Q_MAX_BYTES) return http_fail(req, res, 400, "bad_param", "搜索内容过长", "The search text is too long");
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    int count = 0;
    sb_append(&res->body, "{\"items\":[");
    for (int i = 0; i < c.m->nentities; i++)
        if (entity_search_titles(&c, &c.m->entities[i], q, SEARCH_HITS_PER_ENTITY, &res->body, &count, &e))
            return http_error(req, res, &e);
    sb_printf(&res->body, "],\"total\":%d}", count);
    http_json(res, 200);
}

const route api_search_routes[] = {
    {"GET", "/api/v1/search", global_search, 0,
     .doc = {.tag = "search", .summary = "全局搜索 / global search", .id = "global_search",
             .query = (const route_param[]){{"q", "string", "search text", 1}, {0}}, .ok = "200"}},
    {0},
};
