/* web_assets.h - the table of web application files compiled into the
 * binary (generated at build time from the Vite output, see web/). */
#ifndef KEHU_WEB_ASSETS_H
#define KEHU_WEB_ASSETS_H
#include <stddef.h>

typedef struct web_asset {
    const char *path;         /* "/index.html", "/assets/index-3f2a1b.js" */
    const char *content_type; /* "text/javascript; charset=utf-8" */
    const char *etag;         /* "\"<hash>\"" */
    const unsigned char *data;
    size_t len;
    const unsigned char *gzip; /* NULL when compressing did not pay */
    size_t gzip_len;
} web_asset;

/* Ends with a zero entry. Weak: a build without the web app has none. */
extern const web_asset web_assets[] __attribute__((weak));

#endif
