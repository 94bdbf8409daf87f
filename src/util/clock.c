/* clock.c - see clock.h. */
#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tests only: KEHU_TEST_CLOCK names a file holding the time the process
 * reads as now ("YYYY-MM-DDTHH:MM:SSZ"); a missing, empty or unreadable
 * file: the real clock. Read at every call, so a test moves the time by
 * rewriting the file (the time students spend on experiment steps:
 * tests/api/teaching_times.test.mjs). Unset in production. */
static const char *test_clock;
static pthread_once_t test_clock_once = PTHREAD_ONCE_INIT;

static void test_clock_init(void)
{
    const char *path = getenv("KEHU_TEST_CLOCK");
    test_clock = path && *path ? path : NULL;
}

time_t clock_now(void)
{
    pthread_once(&test_clock_once, test_clock_init);
    if (test_clock) {
        FILE *f = fopen(test_clock, "r");
        char text[40] = "";
        size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
        if (f) fclose(f);
        text[n] = '\0';
        time_t t;
        if (iso_parse(text, &t) == 0) return t;
    }
    return time(NULL);
}

/* gmtime_r and strftime cost some 1,400 instructions, and a request asks
 * for the same few seconds again and again (now, and now less a minute for
 * the session's touch): each thread keeps the last two it formatted. */
static _Thread_local struct {
    time_t t;
    char text[ISO_TIME_LEN];
} formatted[2];
static _Thread_local unsigned formatted_next;

void iso_time(time_t t, char out[ISO_TIME_LEN])
{
    for (int i = 0; i < 2; i++)
        if (formatted[i].text[0] && formatted[i].t == t) {
            memcpy(out, formatted[i].text, ISO_TIME_LEN);
            return;
        }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
    unsigned k = formatted_next++ & 1;
    formatted[k].t = t;
    memcpy(formatted[k].text, out, ISO_TIME_LEN);
}

void china_today(char out[DAY_LEN])
{
    time_t t = clock_now() + CHINA_OFFSET_SECONDS;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, DAY_LEN, "%Y-%m-%d", &tm);
}

int iso_parse(const char *iso, time_t *out)
{
    struct tm tm = {0};
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                       &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900, tm.tm_mon -= 1;
    *out = timegm(&tm);
    return 0;
}

void iso_now(char out[ISO_TIME_LEN])
{
    iso_time(clock_now(), out);
}

int64_t clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
