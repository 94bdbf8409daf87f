/* clock.h - time as Kehu stores it: ISO 8601 UTC text "YYYY-MM-DDTHH:MM:SSZ",
 * which sorts and compares correctly as text on both databases. */
#ifndef KEHU_CLOCK_H
#define KEHU_CLOCK_H
#include <stdint.h>
#include <time.h>

#define ISO_TIME_LEN 21 /* with the NUL */

/* Beijing time, the zone of Kehu's users (China has no summer time). */
#define CHINA_OFFSET_SECONDS (8 * 3600)

#define DAY_LEN 11 /* "YYYY-MM-DD" with the NUL */

void iso_time(time_t t, char out[ISO_TIME_LEN]);
/* Today's date in Beijing, "YYYY-MM-DD": the day a user means by today. */
void china_today(char out[DAY_LEN]);
/* The stored form "YYYY-MM-DDTHH:MM:SSZ" into *out; -1 when not that form. */
int iso_parse(const char *iso, time_t *out);
void iso_now(char out[ISO_TIME_LEN]);
/* Now, as iso_now and china_today read it: the real clock, or in tests the
 * time in the file KEHU_TEST_CLOCK names (clock.c). */
time_t clock_now(void);
/* Monotonic microseconds, for durations. */
int64_t clock_us(void);

#endif
