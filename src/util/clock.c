/* clock.c - see clock.h. */
#include "clock.h"

void iso_time(time_t t, char out[ISO_TIME_LEN])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
