/* web.h - the embedded web application (see web/README.md). */
#ifndef KEHU_WEB_H
#define KEHU_WEB_H
#include "http.h"
/* Answers a GET/HEAD outside /api/ from the embedded assets: 1 if it
 * answered, 0 if there is no such asset. */
int web_serve(http_request *req, http_response *res);
#endif
