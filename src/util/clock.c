/* clock.c - see clock.h. */
#include "clock.h"

#include <stdio.h>

void iso_time(time_t t, char out[ISO_TIME_LEN])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void china_today(char out[DAY_LEN])
{
    time_t t = time(NULL) + CHINA_OFFSET_SECONDS;
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
    iso_time(time(NULL), out);
}

int64_t clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
