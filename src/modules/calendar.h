/* calendar.h - activities as a calendar beyond the records API: the
 * iCalendar feed a calendar program subscribes to, and 发布行程 (sharing
 * one's schedule of a period with colleagues as a message). Repeating
 * activities are made by the sales module's rules (see sales.c). */
#ifndef KEHU_CALENDAR_H
#define KEHU_CALENDAR_H

#include "../entity/entity.h"

/* VCALENDAR (RFC 5545) of the activities c->user may see that start from
 * 90 days ago to a year ahead: one VEVENT each with a stable UID. */
int calendar_ical(entity_ctx *c, strbuf *out, err *e);

/* Sends each user in user_ids (active users) a message listing c->user's
 * activities that start in [from, to] (dates YYYY-MM-DD) plus the note.
 * One transaction; *sent gets the number of messages. */
int calendar_share(entity_ctx *c, json_t *user_ids, const char *from, const char *to, const char *note,
                   int *sent, err *e);

#endif
