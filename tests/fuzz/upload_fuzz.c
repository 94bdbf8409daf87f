/* upload_fuzz.c - libFuzzer target for what an import upload goes through:
 * the multipart/form-data reader and then the table reader (CSV in UTF-8
 * or GB18030, or .xlsx as a zip of XML). The first byte picks the path: even
 * reads the input as a form with boundary "kb", odd reads it as the file
 * itself. Checked: no crash or sanitizer report, a found part lies inside
 * the body, and a read table has as many cell counts as rows. */
#include <stdint.h>
#include <stdlib.h>

#include "util/multipart.h"
#include "util/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    multipart_file file = {body, n};
    if (data[0] % 2 == 0) {
        if (multipart_find_file("multipart/form-data; boundary=kb", body, n, &file)) return 0;
        if (file.data < body || file.data + file.len > body + n) abort();
    }
    data_table t;
    err e;
    err_clear(&e);
    if (table_read(file.data, file.len, &t, &e) == 0) {
        if (t.nrows < 0) abort();
        for (int r = 0; r < t.nrows; r++)
            for (int c = 0; c < t.ncols[r]; c++)
                if (!table_cell(&t, r, c)) abort();
        table_free(&t);
    }
    return 0;
}
