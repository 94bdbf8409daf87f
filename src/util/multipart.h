/* multipart.h - the file of a multipart/form-data body (RFC 7578), as a
 * browser form or `curl -F file=@客户.xlsx` sends it. Only what an upload
 * needs: the first part that carries a file (a filename), or else the part
 * named "file". Nothing is copied: the result points into the body. */
#ifndef KEHU_MULTIPART_H
#define KEHU_MULTIPART_H

#include <stddef.h>

typedef struct multipart_file {
    const char *data; /* inside the body */
    size_t len;
} multipart_file;

/* 1 when content_type is multipart/form-data (any case, any parameters). */
int multipart_is_form(const char *content_type);

/* Finds the file in body (n bytes) given the request's Content-Type.
 * Returns 0 and fills *out, or -1 when the boundary is missing or too
 * long, the body is not well formed, or no part is a file. */
int multipart_find_file(const char *content_type, const char *body, size_t n, multipart_file *out);

#endif
