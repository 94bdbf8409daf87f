/* company_view.h - who may read which other company (X-Kehu-Company):
 * a teacher the sandbox company of a student in one of their classes, a
 * platform administrator any company. Read-only: the server refuses every
 * write made while looking (src/http/server.c). */
#ifndef KEHU_COMPANY_VIEW_H
#define KEHU_COMPANY_VIEW_H

#include "../http/http.h"

/* app.view_company: checks that req->user may read company_id and puts in
 * req->user that user as they see it: its administrator's view of every
 * record (is_admin), no platform or teaching rights, home_company_id set.
 * 403 company_not_viewable otherwise (an unknown company the same). */
int company_view(http_request *req, int64_t company_id, err *e);

#endif
