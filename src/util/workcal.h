/* workcal.h - a working calendar (工作日历): working hours on working days,
 * weekends, public holidays and 调休 make-up working days, and the clock of
 * service deadlines that runs only in working time. Pure computation: the
 * calendar's data (src/modules/service.c reads it from the company's
 * 工作日历 record) is handed in. Times are UTC seconds; days and hours are
 * Beijing time (CHINA_OFFSET_SECONDS in clock.h). */
#ifndef KEHU_WORKCAL_H
#define KEHU_WORKCAL_H
#include <stddef.h>
#include <stdint.h>

/* One day that is not as its weekday says: a holiday on a weekday or a
 * make-up working day (调休上班) on a weekend. */
typedef struct workcal_day {
    int32_t day; /* days since 1970-01-01 (Beijing date) */
    int working; /* 1: 调休上班, 0: 放假 */
} workcal_day;

typedef struct workcal {
    int start_min, end_min; /* working hours: minutes after midnight, start < end */
    int saturday_off, sunday_off;
    const workcal_day *days; /* sorted by day, each day once */
    size_t ndays;
} workcal;

/* The national arrangement (国务院办公厅 notices) the default calendar is
 * seeded with: dates as "YYYY-MM-DD". */
typedef struct workcal_national {
    const char *date;
    int working;
    const char *note; /* 国庆节, ... */
} workcal_national;
const workcal_national *workcal_cn_days(size_t *n);

/* "YYYY-MM-DD" into a day number; -1 when not a real date. */
int workcal_parse_date(const char *s, int32_t *day);
/* "HH:MM" (00:00-24:00) into minutes after midnight; -1 when not that. */
int workcal_parse_hhmm(const char *s, int *minutes);
/* Sorts days and drops repeated ones (the later wins). Returns the count. */
size_t workcal_sort_days(workcal_day *days, size_t n);

int workcal_is_working_day(const workcal *w, int32_t day);
/* The moment `minutes` working minutes after `from`: time outside the
 * working hours does not count, and a deadline that ends exactly at the
 * end of a working day stays on that day. -1 when the calendar has no
 * working day within ten years (every day off). */
int64_t workcal_add(const workcal *w, int64_t from, int64_t minutes);

#endif
