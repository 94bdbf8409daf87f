/* surveys.h - 调查问卷 rules metadata cannot say (issue 16): invitations
 * with a link that needs no account (one answer per invitee, expiring with
 * the survey's 截止时间), answers checked against the questions and stored
 * linked to the contact, and the statistics per question. The survey, its
 * questions (owned lines) and the answers are records (surveys.json,
 * survey_questions.json, survey_invitations.json, survey_answers.json). */
#ifndef KEHU_SURVEYS_H
#define KEHU_SURVEYS_H

#include "../entity/entity.h"

/* Most invitations one request writes. */
#define SURVEYS_INVITE_MAX 10000

/* Invites {"contact_ids": [...]} or {"campaign_id": id} (the campaign's
 * contact members) to open survey `id` (edit right): one invitation per
 * contact not invited yet. {"invited", "skipped", "links": [{"contact_id",
 * "token"}]}: the tokens are given only here (stored hashed). */
int surveys_invite(entity_ctx *c, int64_t id, json_t *body, strbuf *out, err *e);

/* Finds the invitation of a link token and loads the survey owner as the
 * acting user into *u (strings in c->a's arena): 404 unknown, 410 expired
 * or the survey closed, 409 already answered. */
int surveys_link_user(db_conn *db, arena *a, const char *token, auth_user *u, err *e);

/* The survey of a link, as the invitee sees it: title, description,
 * expires_at and the questions ({"id","question","kind","choices":[..],
 * "required"}). c->user is the survey's owner (surveys_link_user). */
int surveys_form(entity_ctx *c, const char *token, strbuf *out, err *e);

/* Stores {"answers": {"<question id>": value}}: single a choice, multiple
 * an array of choices, scale 1..5, text a string (at most 2000 characters,
 * kept as text). One transaction; the invitation becomes 已答卷. */
int surveys_answer(entity_ctx *c, const char *token, json_t *body, strbuf *out, err *e);

/* Per question: answered count; choices with counts (single, multiple),
 * counts of 1..5 and the exact average (scale), the latest 20 texts. */
int surveys_statistics(entity_ctx *c, int64_t id, strbuf *out, err *e);

#endif
