/* api.h - the resource families of /api/v1, one file each (records,
 * session, metadata, openapi, search), and what they share. */
#ifndef KEHU_API_H
#define KEHU_API_H

#include "../app.h"
#include "../entity/entity.h"
#include "../http/http.h"

extern const route api_session_routes[];
extern const route api_records_routes[];
extern const route api_metadata_routes[];
extern const route api_search_routes[];
extern const route api_sales_routes[];
extern const route api_owner_routes[];

/* All route tables, NULL-terminated, for server_run. */
extern const route *const api_all_routes[];

/* Sets up the engine context for this request (current metadata, reloaded
 * when another process changed it). */
void api_entity_ctx(http_request *req, entity_ctx *c);
/* The entity named by the :entity capture, or answers 404 and returns NULL. */
const entity_def *api_entity(http_request *req, http_response *res, const entity_ctx *c,
                             const char *name);
/* Strict positive integer from text; 0 when not one. */
int64_t api_parse_id(const char *text);
/* Answers an engine error; a 409 conflict carries the current record. */
void api_engine_error(http_request *req, http_response *res, const err *e);

#endif
