/* routes.c - every route table of the API in one list. */
#include "api.h"

const route *const api_all_routes[] = {
    api_session_routes,
    api_metadata_routes,
    api_search_routes,
    api_sales_routes,
    api_owner_routes,
    api_access_routes,
    api_report_routes,
    api_import_routes,
    api_calendar_routes,
    api_records_routes, /* last: its /api/v1/:entity patterns are the catch-all */
    NULL,
};
