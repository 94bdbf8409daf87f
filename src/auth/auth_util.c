/* auth_util.c - see auth_internal.h. */
#include <string.h>
#include <time.h>

#include "auth_internal.h"
#include "../util/utf8.h"

char *auth_clip(arena *a, const char *s, size_t max_chars)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1);
    const char *p = s, *end = s + n;
    size_t len = 0, chars = 0;
    while (p < end && chars < max_chars) {
        const char *start = p;
        uint32_t cp;
        if (utf8_next(&p, end, &cp) != 0) {
            out[len++] = '?';
            p = start + 1;
        } else {
            memcpy(out + len, start, (size_t)(p - start));
            len += (size_t)(p - start);
        }
        chars++;
    }
    out[len] = '\0';
    return out;
}

void auth_time_offset(long seconds, char out[ISO_TIME_LEN])
{
    /* clock_now, as iso_now: the times compared with it (last_seen_at,
     * login attempts) are written by iso_now, and a test's clock
     * (KEHU_TEST_CLOCK) must move both */
    iso_time(clock_now() + seconds, out);
}

int auth_db_fail(int rc, err *e)
{
    if (rc == DB_ERR_BUSY)
        return err_set(e, 503, "busy", "服务器繁忙，请稍后重试",
                       "The server is busy; please retry");
    return err_set(e, 500, "db_error", "数据库操作失败", "A database operation failed");
}

int auth_exec(db_stmt *s, err *e)
{
    int rc = db_step(s);
    db_finalize(s);
    return rc == DB_DONE ? 0 : auth_db_fail(rc, e);
}

const char *auth_col_text(db_stmt *s, int i, arena *a)
{
    const char *v = db_column_text(s, i);
    return v ? arena_strdup(a, v) : NULL;
}
