/* workcal.c - see workcal.h. */
#include "workcal.h"

#include <stdlib.h>

#include "clock.h"

#define DAY_SECONDS 86400
#define SEARCH_DAYS (3660) /* ten years: a calendar with no working day at all ends the search */

/* The 2026 arrangement is the State Council's notice (国办发明电〔2025〕7号).
 * The 2027 one follows the same rules (statutory days of the 2024 revision,
 * weekends compensated, at most one make-up Saturday or Sunday per side) and
 * must be checked against the 2027 notice: the calendar is data, an
 * administrator corrects its lines (设置 → 工作日历). */
static const workcal_national CN_DAYS[] = {
    {"2026-01-01", 0, "元旦"}, {"2026-01-02", 0, "元旦"}, {"2026-01-03", 0, "元旦"}, {"2026-01-04", 1, "元旦调休"},
    {"2026-02-14", 1, "春节调休"}, {"2026-02-15", 0, "春节"}, {"2026-02-16", 0, "春节"}, {"2026-02-17", 0, "春节"},
    {"2026-02-18", 0, "春节"}, {"2026-02-19", 0, "春节"}, {"2026-02-20", 0, "春节"}, {"2026-02-21", 0, "春节"},
    {"2026-02-22", 0, "春节"}, {"2026-02-23", 0, "春节"}, {"2026-02-28", 1, "春节调休"},
    {"2026-04-04", 0, "清明节"}, {"2026-04-05", 0, "清明节"}, {"2026-04-06", 0, "清明节"},
    {"2026-05-01", 0, "劳动节"}, {"2026-05-02", 0, "劳动节"}, {"2026-05-03", 0, "劳动节"}, {"2026-05-04", 0, "劳动节"},
    {"2026-05-05", 0, "劳动节"}, {"2026-05-09", 1, "劳动节调休"},
    {"2026-06-19", 0, "端午节"}, {"2026-06-20", 0, "端午节"}, {"2026-06-21", 0, "端午节"},
    {"2026-09-20", 1, "国庆节调休"}, {"2026-09-25", 0, "中秋节"}, {"2026-09-26", 0, "中秋节"}, {"2026-09-27", 0, "中秋节"},
    {"2026-10-01", 0, "国庆节"}, {"2026-10-02", 0, "国庆节"}, {"2026-10-03", 0, "国庆节"}, {"2026-10-04", 0, "国庆节"},
    {"2026-10-05", 0, "国庆节"}, {"2026-10-06", 0, "国庆节"}, {"2026-10-07", 0, "国庆节"}, {"2026-10-10", 1, "国庆节调休"},
    {"2027-01-01", 0, "元旦"}, {"2027-01-02", 0, "元旦"}, {"2027-01-03", 0, "元旦"},
    {"2027-01-30", 1, "春节调休"}, {"2027-02-05", 0, "春节"}, {"2027-02-06", 0, "春节"}, {"2027-02-07", 0, "春节"},
    {"2027-02-08", 0, "春节"}, {"2027-02-09", 0, "春节"}, {"2027-02-10", 0, "春节"}, {"2027-02-11", 0, "春节"},
    {"2027-02-12", 0, "春节"}, {"2027-02-13", 0, "春节"}, {"2027-02-14", 0, "春节"}, {"2027-02-20", 1, "春节调休"},
    {"2027-04-03", 0, "清明节"}, {"2027-04-04", 0, "清明节"}, {"2027-04-05", 0, "清明节"},
    {"2027-05-01", 0, "劳动节"}, {"2027-05-02", 0, "劳动节"}, {"2027-05-03", 0, "劳动节"}, {"2027-05-04", 0, "劳动节"},
    {"2027-05-05", 0, "劳动节"}, {"2027-05-08", 1, "劳动节调休"},
    {"2027-06-09", 0, "端午节"}, {"2027-09-15", 0, "中秋节"},
    {"2027-09-25", 1, "国庆节调休"}, {"2027-10-01", 0, "国庆节"}, {"2027-10-02", 0, "国庆节"}, {"2027-10-03", 0, "国庆节"},
    {"2027-10-04", 0, "国庆节"}, {"2027-10-05", 0, "国庆节"}, {"2027-10-06", 0, "国庆节"}, {"2027-10-07", 0, "国庆节"},
    {"2027-10-09", 1, "国庆节调休"},
};

const workcal_national *workcal_cn_days(size_t *n)
{
    *n = sizeof CN_DAYS / sizeof CN_DAYS[0];
    return CN_DAYS;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar: the
 * year is counted from March, so February's length falls last. */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int workcal_parse_date(const char *s, int32_t *day)
{
    int y, m, d;
    if (!s || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' || digits(s + 8, 2, &d) || s[10])
        return -1;
    static const int LEN[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > LEN[m - 1] || (m == 2 && d == 29 && !leap)) return -1;
    *day = days_from_civil(y, m, d);
    return 0;
}

int workcal_parse_hhmm(const char *s, int *minutes)
{
    int h, m;
    if (!s || digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &m) || s[5]) return -1;
    if (m > 59 || h > 24 || (h == 24 && m)) return -1;
    *minutes = h * 60 + m;
    return 0;
}

static int by_day(const void *a, const void *b)
{
    const workcal_day *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

size_t workcal_sort_days(workcal_day *days, size_t n)
{
    if (!n) return 0;
    /* a stable order for equal days: keep the index, so "the later wins" holds */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        workcal_day v = days[i];
        while (j > 0 && by_day(&days[j - 1], &v) > 0) days[j] = days[j - 1], j--;
        days[j] = v;
    }
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && days[out - 1].day == days[i].day) days[out - 1] = days[i];
        else days[out++] = days[i];
    }
    return out;
}

int workcal_is_working_day(const workcal *w, int32_t day)
{
    workcal_day key = {day, 0};
    const workcal_day *hit = w->ndays ? bsearch(&key, w->days, w->ndays, sizeof key, by_day) : NULL;
    if (hit) return hit->working;
    int weekday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0 is Sunday */
    if (weekday == 6) return !w->saturday_off;
    if (weekday == 0) return !w->sunday_off;
    return 1;
}

int64_t workcal_add(const workcal *w, int64_t from, int64_t minutes)
{
    if (minutes <= 0) return from;
    int64_t local = from + CHINA_OFFSET_SECONDS;
    int64_t day = local >= 0 ? local / DAY_SECONDS : -((-local + DAY_SECONDS - 1) / DAY_SECONDS);
    int64_t at = local - day * DAY_SECONDS, left = minutes * 60;
    int64_t open = (int64_t)w->start_min * 60, close = (int64_t)w->end_min * 60;
    for (int n = 0; n < SEARCH_DAYS; n++, day++, at = 0) {
        if (open >= close || !workcal_is_working_day(w, (int32_t)day)) continue;
        if (at < open) at = open;
        if (at >= close) continue;
        if (left <= close - at) return day * DAY_SECONDS + at + left - CHINA_OFFSET_SECONDS;
        left -= close - at;
    }
    return -1;
}
