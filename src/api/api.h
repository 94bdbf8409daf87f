/* api.h - the resource families of /api/v1, one file each (records,
 * session, metadata, openapi, search), and what they share. */
#ifndef KEHU_API_H
#define KEHU_API_H

#include "../app.h"
#include "../entity/entity.h"
#include "../entity/report_table.h"
#include "../http/http.h"

extern const route api_session_routes[];
extern const route api_records_routes[];
extern const route api_metadata_routes[];
extern const route api_search_routes[];
extern const route api_sales_routes[];
extern const route api_owner_routes[];
extern const route api_access_routes[];
extern const route api_company_routes[];
extern const route api_report_routes[];
extern const route api_receivables_routes[];
extern const route api_import_routes[];
extern const route api_calendar_routes[];
extern const route api_ledger_routes[];
extern const route api_approval_routes[];
extern const route api_price_routes[];
extern const route api_stock_routes[];
extern const route api_action_routes[];
extern const route api_print_routes[];
extern const route api_attachment_routes[];
extern const route api_message_routes[];
extern const route api_marketing_routes[];
extern const route api_office_routes[];
extern const route api_documents_routes[];
extern const route api_service_routes[];
extern const route api_survey_routes[];
extern const route api_mail_routes[];
extern const route api_teaching_routes[];

/* All route tables, NULL-terminated, for server_run. */
extern const route *const api_all_routes[];
/* The route list of docs/api.md, one table per tag, generated from the
 * declarations (`kehu routes --markdown`). */
void api_routes_markdown(strbuf *out);
/* A route pattern as OpenAPI and the docs write it: :id -> {id}. */
void api_path_template(strbuf *out, const char *pattern);

/* Parameters many routes declare (src/api/common.c). */
extern const route_param API_ID_PARAM[];   /* :id, a record id */
extern const route_param API_RECORD_HEADERS[]; /* ETag and X-Kehu-Allow of an answer that is one record */
extern const route_param API_LIST_QUERY[]; /* q, filter, sort, limit, offset, deleted, pool, initial */

/* Sets up the engine context for this request (current metadata, reloaded
 * when another process changed it). */
void api_entity_ctx(http_request *req, entity_ctx *c);
/* The entity named by the :entity capture, or answers 404 and returns NULL. */
const entity_def *api_entity(http_request *req, http_response *res, const entity_ctx *c,
                             const char *name);
/* Strict positive integer from text; 0 when not one. */
int64_t api_parse_id(const char *text);
/* Marks every key of a request body that is not in `allowed` (NULL-ended)
 * as an "unknown" field of e; returns how many. */
int api_unknown_keys(json_t *body, const char *const *allowed, err *e);
/* Answers an engine error; a 409 conflict carries the current record. */
void api_engine_error(http_request *req, http_response *res, const err *e);
/* Answers the record (with its version as ETag) with `status`. */
void api_answer_record(http_request *req, http_response *res, entity_ctx *c, const entity_def *ent,
                       int64_t id, int status);
/* Answers a failed write; a stale version's 409 carries the current record. */
void api_answer_write_error(http_request *req, http_response *res, entity_ctx *c,
                            const entity_def *ent, int64_t id, const err *e);
/* Runs the declared action `action` of entity/id_text with the request's
 * body and If-Match and answers {"record","result"} (result_only: the
 * result alone, as the alias routes of older verbs answer). */
void api_run_action(http_request *req, http_response *res, const char *entity, const char *id_text,
                    const char *action, int result_only);
/* The version of If-Match ("3", W/"3" or 3); 0 without, -1 unparseable. */
int64_t api_if_match(http_request *req);
/* The list parameters of the query string (q, filter, sort, limit, offset,
 * deleted, pool, initial); answers 400 and returns -1 when malformed. */
int api_list_params(http_request *req, http_response *res, list_params *p);
/* Content-Disposition of a download: attachment, `ascii_name` for old
 * clients and the UTF-8 `name` (报价单-BJ-000001.pdf) as filename*. */
void api_attachment(http_request *req, http_response *res, const char *ascii_name, const char *name);
/* Integer query parameter name in 0..max (dflt when absent); answers 400
 * and returns -1 when malformed. */
int api_int_param(http_request *req, http_response *res, const char *name, int64_t dflt, int64_t max,
                  int64_t *out);

/* Date query parameter "YYYY-MM-DD" into *out (NULL when absent); answers
 * 400 and returns -1 when malformed. */
int api_date_param(http_request *req, http_response *res, const char *name, const char **out);

/* A report over a period, ?from=&to= (dates, either may be absent):
 * fn(c, from, to, out, e) writes the JSON, answered 200. */
typedef int (*api_period_fn)(entity_ctx *c, const char *from, const char *to, strbuf *out, err *e);
void api_period_report(http_request *req, http_response *res, api_period_fn fn);

/* A request about one record, /.../{id}/...: fn(c, id, out, e) writes the
 * JSON, answered 200; a malformed id is 404. */
typedef int (*api_record_fn)(entity_ctx *c, int64_t id, strbuf *out, err *e);
void api_record_report(http_request *req, http_response *res, api_record_fn fn);

/* Reports that are tables (src/entity/report_table.h). ?format=: NULL
 * (JSON), "xlsx" or "csv"; -1 after answering 400. */
int api_report_format(http_request *req, http_response *res, const char **format);
/* The table as the answer: JSON {"report": name, the members' pairs
 * ({0}-ended), "columns", "items", "total"}, or with a format the file
 * named after the report and the day, for users with the export right on
 * export_entity (403 otherwise). */
void api_report_answer(http_request *req, http_response *res, entity_ctx *c, const report_table *t, const char *format,
                       const char *export_entity, const char *name, const char *zh, const char *en,
                       const char *const members[][2]);
/* Their documentation: the JSON answer, the files, the format parameter. */
#define API_REPORT_REPLY                                                                                                   \
    "{\"type\":\"object\",\"properties\":{\"report\":{\"type\":\"string\"},\"by\":{\"type\":\"string\"},"            \
    "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"},"   \
    "\"label\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"enum\":[\"text\",\"money\",\"decimal\",\"integer\"]}}}}," \
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"total\":{\"type\":\"object\",\"nullable\":true}}}"
#define API_REPORT_FILES "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet text/csv"
#define API_FORMAT_PARAM {"format", "string", "xlsx or csv: the table as a file", 0}

#endif
