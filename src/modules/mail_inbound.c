/* mail_inbound.c - see mail_inbound.h. The poll reads the mailboxes of
 * every company with its own SQL (it is the server, as the sender is);
 * what a message becomes is written through the engine as the
 * administrator who set the mailbox up, so hooks (ticket numbers, SLA
 * deadlines, assignment), history and validation are the usual ones. */
#include "mail_inbound.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../auth/session.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "../util/mutf7.h"
#include "../util/utf8.h"
#include "mail_parse.h"

#define MESSAGE_MAX (1024 * 1024) /* bytes of a message read; the rest is not fetched */
#define ROUND_MESSAGES 100        /* messages per poll; more: polled again at once */
#define LEASE_SECONDS 300
#define SUBJECT_MAX 200  /* tickets.subject, activities.subject */
#define TEXT_MAX 20000   /* tickets.description */
#define NOTE_MAX 2000    /* ticket_notes.content */
#define LEAD_NAME_MAX 60 /* leads.name */
#define FOLDER_CHARS 100 /* a folder's name, in characters */
/* its modified UTF-7 (at worst "&" 6 letters "-" per character beyond the
 * BMP), and that percent-encoded in a URL */
#define FOLDER_WIRE_MAX (FOLDER_CHARS * 8 + 1)
#define FOLDER_URL_MAX (FOLDER_WIRE_MAX * 3 + 1)

static int db_failed(err *e)
{
    return err_set(e, 500, "db_error", "读取接收邮箱失败", "Reading the mailbox failed");
}

/* ---- settings ---- */

static const char *const TEXT_KEYS[] = {"imap_host", "tls_mode", "username", "folder", "creates"};
static const char *const INT_KEYS[] = {"imap_port", "queue_id"};

static int forbidden(err *e)
{
    return err_set(e, 403, "forbidden", "只有管理员可以设置接收邮箱", "Only administrators set up the inbound mailbox");
}

static void recent_messages(entity_ctx *c, strbuf *out)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(c->db,
                            "SELECT uid, from_address, subject, outcome, entity, record_id, error, received_at"
                            " FROM inbound_mails WHERE company_id = ? ORDER BY id DESC LIMIT 20",
                            &e);
    sb_append(out, ",\"recent\":[");
    if (!s) return (void)sb_putc(out, ']');
    db_bind_int64(s, 1, c->user->company_id);
    for (int n = 0; db_step(s) == DB_ROW; n++) {
        sb_printf(out, "%s{\"uid\":%lld", n ? "," : "", (long long)db_column_int64(s, 0));
        const char *names[] = {"from", "subject", "outcome", "entity"};
        for (int i = 0; i < 4; i++) {
            sb_printf(out, ",\"%s\":", names[i]);
            sb_json_string(out, db_column_is_null(s, i + 1) ? "" : db_column_text(s, i + 1));
        }
        sb_printf(out, ",\"record_id\":%lld,\"error\":", (long long)(db_column_is_null(s, 5) ? 0 : db_column_int64(s, 5)));
        sb_json_string(out, db_column_is_null(s, 6) ? "" : db_column_text(s, 6));
        sb_append(out, ",\"received_at\":");
        sb_json_string(out, db_column_text(s, 7));
        sb_putc(out, '}');
    }
    db_finalize(s);
    sb_putc(out, ']');
}

int mail_inbound_get(entity_ctx *c, strbuf *out, err *e)
{
    if (!c->user->is_admin) return forbidden(e);
    db_stmt *s = db_prepare(c->db,
                            "SELECT imap_host, tls_mode, username, folder, creates, imap_port, queue_id, enabled,"
                            " password, polled_at, last_error, last_uid FROM mailboxes WHERE company_id = ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    int step = db_step(s), row = step == DB_ROW;
    static const char *const DEFAULTS[] = {"", "tls", "", "INBOX", "ticket"};
    sb_putc(out, '{');
    for (int i = 0; i < 5; i++) {
        sb_printf(out, "%s\"%s\":", i ? "," : "", TEXT_KEYS[i]);
        sb_json_string(out, row ? db_column_text(s, i) : DEFAULTS[i]);
    }
    sb_printf(out, ",\"imap_port\":%lld,\"queue_id\":%lld,\"enabled\":%s,\"password_set\":%s,\"polled_at\":",
              row ? (long long)db_column_int64(s, 5) : 993LL,
              row && !db_column_is_null(s, 6) ? (long long)db_column_int64(s, 6) : 0LL,
              row && db_column_int64(s, 7) ? "true" : "false", row && db_column_text(s, 8)[0] ? "true" : "false");
    if (row && !db_column_is_null(s, 9)) sb_json_string(out, db_column_text(s, 9));
    else sb_append(out, "null");
    sb_append(out, ",\"last_error\":");
    sb_json_string(out, row && !db_column_is_null(s, 10) ? db_column_text(s, 10) : "");
    sb_printf(out, ",\"last_uid\":%lld", row ? (long long)db_column_int64(s, 11) : 0LL);
    db_finalize(s);
    if (step < 0) return db_failed(e);
    recent_messages(c, out);
    sb_putc(out, '}');
    return 0;
}

/* A folder name: 1..100 characters of UTF-8 (客服 as well as INBOX),
 * ASCII only letters, digits, space and ._-/&: nothing that would need
 * quoting in an IMAP string or end a URL's path. The server is asked for
 * it in modified UTF-7 (folder_wire). */
static int folder_ok(const char *f)
{
    size_t n = strlen(f);
    long chars = utf8_count(f, n);
    char wire[FOLDER_WIRE_MAX];
    if (!n || chars < 0 || chars > FOLDER_CHARS || mutf7_encode(f, wire, sizeof wire)) return 0;
    for (const char *p = f; *p; p++)
        if ((unsigned char)*p < 0x80 && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                          (*p >= '0' && *p <= '9') || strchr("._-/& ", *p)))
            return 0;
    return 1;
}

static int queue_visible(entity_ctx *c, json_int_t id, err *e)
{
    strbuf scratch = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "service_queues"), (int64_t)id, 0, &scratch, e);
    sb_free(&scratch);
    if (rc) err_clear(e);
    return rc == 0;
}

static int settings_invalid(entity_ctx *c, json_t *body, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int text = !strcmp(key, "password"), integer = 0;
        for (size_t i = 0; i < sizeof TEXT_KEYS / sizeof *TEXT_KEYS; i++) text |= !strcmp(key, TEXT_KEYS[i]);
        for (size_t i = 0; i < sizeof INT_KEYS / sizeof *INT_KEYS; i++) integer |= !strcmp(key, INT_KEYS[i]);
        if (!text && !integer && strcmp(key, "enabled")) err_add_field(e, key, "unknown");
        else if (text ? !json_is_string(v) : integer ? !json_is_integer(v) : !json_is_boolean(v))
            err_add_field(e, key, "invalid_type");
        else if (text && (strlen(json_string_value(v)) > (strcmp(key, "folder") ? 300u : FOLDER_CHARS * 4u) ||
                          strpbrk(json_string_value(v), "\r\n")))
            err_add_field(e, key, "invalid");
    }
    if (e->nfields) return err_set(e, 422, "validation_failed", "接收邮箱设置有误", "Invalid mailbox settings");
    const char *host = json_string_value(json_object_get(body, "imap_host"));
    const char *tls = json_string_value(json_object_get(body, "tls_mode"));
    const char *folder = json_string_value(json_object_get(body, "folder"));
    const char *creates = json_string_value(json_object_get(body, "creates"));
    json_t *port = json_object_get(body, "imap_port"), *queue = json_object_get(body, "queue_id");
    if (host && strpbrk(host, "/:@?# \\")) err_add_field(e, "imap_host", "invalid");
    if (tls && strcmp(tls, "none") && strcmp(tls, "starttls") && strcmp(tls, "tls")) err_add_field(e, "tls_mode", "not_an_option");
    if (folder && !folder_ok(folder)) err_add_field(e, "folder", "invalid");
    if (creates && strcmp(creates, "ticket") && strcmp(creates, "lead")) err_add_field(e, "creates", "not_an_option");
    if (port && (json_integer_value(port) < 1 || json_integer_value(port) > 65535)) err_add_field(e, "imap_port", "out_of_range");
    if (queue && json_integer_value(queue) < 0) err_add_field(e, "queue_id", "out_of_range");
    else if (queue && json_integer_value(queue) > 0 && !queue_visible(c, json_integer_value(queue), e))
        err_add_field(e, "queue_id", "not_found");
    return e->nfields ? err_set(e, 422, "validation_failed", "接收邮箱设置有误", "Invalid mailbox settings") : 0;
}

int mail_inbound_put(entity_ctx *c, json_t *body, strbuf *out, err *e)
{
    if (!c->user->is_admin) return forbidden(e);
    if (settings_invalid(c, body, e)) return -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (db_begin(c->db, e)) return -1;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "INSERT INTO mailboxes (company_id) SELECT ");
    query_bind_int(&q, c->user->company_id);
    query_sql(&q, " WHERE NOT EXISTS (SELECT 1 FROM mailboxes WHERE company_id = ");
    query_bind_int(&q, c->user->company_id);
    query_sql(&q, ")");
    int rc = query_exec(c->db, &q, "保存接收邮箱失败", "Saving the mailbox failed", e);
    query_free(&q);
    /* whoever saves it last is the one its records are written as; a
     * changed setting is polled at once */
    query_init(&q, c->a);
    query_sql(&q, "UPDATE mailboxes SET polled_at = NULL, last_error = NULL, updated_at = ");
    query_bind_text(&q, now);
    query_sql(&q, ", acting_user_id = ");
    query_bind_int(&q, c->user->id);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        query_sqlf(&q, ", %s = ", key); /* a known column: settings_invalid refused any other key */
        if (json_is_string(v)) query_bind_text(&q, json_string_value(v));
        else if (json_is_boolean(v)) query_bind_int(&q, json_is_true(v));
        else if (!strcmp(key, "queue_id") && json_integer_value(v) == 0) query_sql(&q, "NULL");
        else query_bind_int(&q, json_integer_value(v));
    }
    query_sql(&q, " WHERE company_id = ");
    query_bind_int(&q, c->user->company_id);
    if (!rc) rc = query_exec(c->db, &q, "保存接收邮箱失败", "Saving the mailbox failed", e);
    query_free(&q);
    if (!rc) rc = db_commit(c->db, e);
    if (rc) return db_rollback(c->db), -1;
    return mail_inbound_get(c, out, e);
}

/* ---- IMAP through libcurl ---- */

typedef struct mailbox {
    int64_t company, port, queue, acting_user, uid_validity, last_uid;
    char host[301], tls[16], user[301], password[301], folder[FOLDER_CHARS * 4 + 1], creates[16],
        key[1200], polled_key[1200];
    char wire[FOLDER_WIRE_MAX];    /* the folder in modified UTF-7, for commands */
    char url_folder[FOLDER_URL_MAX]; /* that, percent-encoded, for the URL */
} mailbox;

typedef struct download {
    strbuf data;
    size_t max;
    int cut;
} download;

static size_t take_bytes(char *buf, size_t size, size_t n, void *arg)
{
    download *d = arg;
    size_t len = size * n;
    if (d->data.len + len > d->max) { /* the server sent more than asked: keep the bound */
        sb_appendn(&d->data, buf, d->max - d->data.len);
        d->cut = 1;
        return 0;
    }
    sb_appendn(&d->data, buf, len);
    return len;
}

/* Runs one IMAP request: `path` after the mailbox's root URL, `command`
 * a custom command or NULL (a fetch). 0, or -1 with the error in `error`
 * (curl's words, never the password). */
static int imap_request(CURL *h, const mailbox *b, const char *path, const char *command, download *d, char *error,
                        size_t error_len)
{
    char url[FOLDER_URL_MAX + 400], curl_error[CURL_ERROR_SIZE] = "";
    snprintf(url, sizeof url, "%s://%s:%lld/%s", strcmp(b->tls, "tls") == 0 ? "imaps" : "imap", b->host,
             (long long)b->port, path);
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERNAME, b->user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, b->password);
    if (command) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command);
    if (strcmp(b->tls, "starttls") == 0) curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && d->cut)) return 0;
    snprintf(error, error_len, "邮箱服务器拒绝或无法连接：%s", curl_error[0] ? curl_error : curl_easy_strerror(rc));
    return -1;
}

/* The folder's UIDVALIDITY (STATUS), 0 when the answer has none. */
static int64_t uid_validity(CURL *h, const mailbox *b, char *error, size_t error_len)
{
    char command[FOLDER_WIRE_MAX + 40];
    snprintf(command, sizeof command, "STATUS \"%s\" (UIDVALIDITY)", b->wire);
    download d = {STRBUF_INIT, 4096, 0};
    int64_t v = -1;
    if (!imap_request(h, b, "", command, &d, error, error_len)) {
        const char *at = strstr(sb_str(&d.data), "UIDVALIDITY ");
        v = at ? strtoll(at + 12, NULL, 10) : 0;
        if (!at) snprintf(error, error_len, "邮箱服务器没有回答文件夹 %s 的 UIDVALIDITY", b->folder);
    }
    sb_free(&d.data);
    return v;
}

static int by_number(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The UIDs after last_uid, ascending, at most ROUND_MESSAGES (*more set
 * when there were more). -1 on error. */
static int new_uids(CURL *h, const mailbox *b, int64_t *uids, int *more, char *error, size_t error_len)
{
    char command[64];
    snprintf(command, sizeof command, "UID SEARCH UID %lld:*", (long long)b->last_uid + 1);
    download d = {STRBUF_INIT, 4 * 1024 * 1024, 0};
    if (imap_request(h, b, b->url_folder, command, &d, error, error_len)) return sb_free(&d.data), -1;
    int n = 0, cap = 4096;
    int64_t *all = malloc(sizeof *all * (size_t)cap);
    const char *p = strstr(sb_str(&d.data), "SEARCH");
    for (p = p ? p + 6 : ""; all && *p;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        p = end;
        if (v > b->last_uid && n < cap) all[n++] = v; /* "n:*" answers the last message even when older */
    }
    sb_free(&d.data);
    if (!all) return -1;
    qsort(all, (size_t)n, sizeof *all, by_number);
    *more = n > ROUND_MESSAGES;
    if (n > ROUND_MESSAGES) n = ROUND_MESSAGES;
    memcpy(uids, all, sizeof *all * (size_t)n);
    free(all);
    return n;
}

/* ---- a message into a record ---- */

typedef struct target {
    const char *entity; /* "tickets" or "leads"; NULL: none */
    int64_t id;
} target;

static int64_t query_id(db_conn *db, const char *sql, int64_t company, const char *text, err *e)
{
    db_stmt *s = db_prepare(db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, company);
    db_bind_text(s, 2, text);
    int64_t id = db_step(s) == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return id;
}

/* The record a reply belongs to: a message it names (In-Reply-To,
 * References) that an earlier message made or threaded onto, else a
 * ticket number in its subject. */
static target thread_of(entity_ctx *c, const inbound_message *m, err *e)
{
    target t = {NULL, 0};
    char *refs = strdup(m->refs), *save = NULL;
    for (char *id = refs ? strtok_r(refs, " ", &save) : NULL; id && !t.id; id = strtok_r(NULL, " ", &save)) {
        db_stmt *s = db_prepare(c->db,
                                "SELECT entity, record_id FROM inbound_mails WHERE company_id = ? AND message_id = ?"
                                " AND record_id IS NOT NULL ORDER BY id LIMIT 1",
                                e);
        if (!s) break;
        db_bind_int64(s, 1, c->user->company_id);
        db_bind_text(s, 2, id);
        if (db_step(s) == DB_ROW) {
            t.entity = !strcmp(db_column_text(s, 0), "leads") ? "leads" : "tickets";
            t.id = db_column_int64(s, 1);
        }
        db_finalize(s);
    }
    free(refs);
    const field_def *code = meta_field(meta_entity(c->m, "tickets"), "code");
    const char *prefix = code && code->autonumber_prefix ? code->autonumber_prefix : NULL;
    const char *at = prefix && prefix[0] && !t.id ? strstr(m->subject, prefix) : NULL;
    if (at) {
        size_t len = strlen(prefix);
        while (at[len] >= '0' && at[len] <= '9' && len < 40) len++;
        char number[64];
        snprintf(number, sizeof number, "%.*s", (int)len, at);
        int64_t id = query_id(c->db, "SELECT id FROM tickets WHERE company_id = ? AND code = ? AND deleted_at IS NULL",
                              c->user->company_id, number, e);
        if (id > 0) t.entity = "tickets", t.id = id;
    }
    return t;
}

/* The text of the record: the sender's words, bounded, and a line when
 * the message was longer than what was read. */
static char *body_text(const inbound_message *m, int cut, size_t max)
{
    const char *note = cut ? "\n\n（邮件过长，只收取了开头部分）" : "";
    char *clipped = mail_text_clip(m->text[0] ? m->text : "（无正文）", max - 30);
    char *out = malloc(strlen(clipped) + strlen(note) + 1);
    if (out) strcpy(out, clipped), strcat(out, note);
    free(clipped);
    return out;
}

static char *subject_text(const inbound_message *m)
{
    return mail_text_clip(m->subject[0] ? m->subject : "（无主题）", SUBJECT_MAX);
}

static int create_record(entity_ctx *c, const char *entity, json_t *body, int64_t *id, err *e)
{
    int rc = entity_create(c, meta_entity(c->m, entity), body, id, e);
    json_decref(body);
    return rc;
}

/* A reply onto a ticket: one more 处理记录 of kind 客户回复, added to the
 * ticket's owned notes by the delta form (the notes there stay untouched). */
static int note_on_ticket(entity_ctx *c, int64_t ticket, const inbound_message *m, int cut, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    char *text = body_text(m, cut, NOTE_MAX - 300);
    char *subject = subject_text(m);
    strbuf content = STRBUF_INIT;
    sb_printf(&content, "客户邮件回复（%s）：%s\n\n%s", m->from_address, subject, text ? text : "");
    char *bounded = mail_text_clip(sb_str(&content), NOTE_MAX);
    json_t *note = json_pack("{s:s,s:s,s:s}", "noted_at", now, "kind", "reply", "content", bounded ? bounded : "");
    free(text), free(subject), sb_free(&content), free(bounded);
    json_t *body = json_pack("{s:{s:[o]}}", "notes", "add", note);
    int rc = entity_update(c, meta_entity(c->m, "tickets"), ticket, body, 0, e);
    json_decref(body);
    return rc;
}

/* A reply onto a lead: an 行动记录 of kind 邮件, done, on the lead. */
static int activity_on_lead(entity_ctx *c, int64_t lead, const inbound_message *m, int cut, int64_t *id, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    char *subject = subject_text(m), *text = body_text(m, cut, TEXT_MAX);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "subject", subject, "kind", "email", "status", "done",
                             "start_at", now, "lead_id", (json_int_t)lead, "result", text ? text : "");
    free(subject), free(text);
    return create_record(c, "activities", body, id, e);
}

static int new_lead(entity_ctx *c, const inbound_message *m, int cut, int64_t *id, err *e)
{
    char *name = mail_text_clip(m->from_name[0] ? m->from_name : m->from_address[0] ? m->from_address : "未知发件人",
                                LEAD_NAME_MAX);
    char *subject = subject_text(m), *text = body_text(m, cut, TEXT_MAX - 300);
    strbuf description = STRBUF_INIT;
    sb_printf(&description, "来信主题：%s\n\n%s", subject, text ? text : "");
    json_t *body = json_pack("{s:s,s:s,s:s}", "name", name, "source", "other", "description", sb_str(&description));
    if (m->from_address[0]) json_object_set_new(body, "email", json_string(m->from_address));
    free(name), free(subject), free(text), sb_free(&description);
    return create_record(c, "leads", body, id, e);
}

/* A new ticket for a known contact of an account; 0 when the sender is
 * nobody's contact (the caller makes a lead: a ticket is a customer's). */
static int new_ticket(entity_ctx *c, const mailbox *b, const inbound_message *m, int cut, int64_t *id, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "SELECT id, account_id FROM contacts WHERE company_id = ? AND LOWER(email) = ?"
                            " AND account_id IS NOT NULL AND deleted_at IS NULL ORDER BY id LIMIT 1",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, m->from_address);
    int64_t contact = 0, account = 0;
    if (m->from_address[0] && db_step(s) == DB_ROW) contact = db_column_int64(s, 0), account = db_column_int64(s, 1);
    db_finalize(s);
    if (!account) return *id = 0, 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    char *subject = subject_text(m), *text = body_text(m, cut, TEXT_MAX);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "subject", subject, "kind", "request", "category",
                             "other", "priority", "normal", "account_id", (json_int_t)account, "contact_id",
                             (json_int_t)contact, "channel", "email", "description", text ? text : "");
    if (b->queue) json_object_set_new(body, "queue_id", json_integer(b->queue));
    free(subject), free(text);
    return create_record(c, "tickets", body, id, e);
}

/* What the message becomes, written in the caller's transaction. */
static int apply_message(entity_ctx *c, const mailbox *b, const inbound_message *m, int cut, target *made,
                         const char **outcome, err *e)
{
    target t = thread_of(c, m, e);
    if (t.entity && !strcmp(t.entity, "tickets")) {
        *made = t, *outcome = "threaded";
        return note_on_ticket(c, t.id, m, cut, e);
    }
    if (t.entity) {
        int64_t activity;
        *made = t, *outcome = "threaded";
        return activity_on_lead(c, t.id, m, cut, &activity, e);
    }
    *outcome = "created";
    if (!strcmp(b->creates, "ticket")) {
        if (new_ticket(c, b, m, cut, &made->id, e)) return -1;
        if (made->id) return made->entity = "tickets", 0;
    }
    made->entity = "leads";
    return new_lead(c, m, cut, &made->id, e);
}

static int remember(db_conn *db, const mailbox *b, int64_t uid, const inbound_message *m, const char *outcome,
                    const target *made, const char *error, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(db,
                            "INSERT INTO inbound_mails (company_id, mailbox, uid_validity, uid, message_id, from_address,"
                            " subject, outcome, entity, record_id, error, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                            " ON CONFLICT DO NOTHING",
                            e);
    if (!s) return -1;
    char *subject = mail_text_clip(m->subject, SUBJECT_MAX);
    db_bind_int64(s, 1, b->company);
    db_bind_text(s, 2, b->key);
    db_bind_int64(s, 3, b->uid_validity);
    db_bind_int64(s, 4, uid);
    db_bind_text(s, 5, m->message_id);
    db_bind_text(s, 6, m->from_address);
    db_bind_text(s, 7, subject);
    db_bind_text(s, 8, outcome);
    db_bind_text(s, 9, made->entity);
    if (made->id) db_bind_int64(s, 10, made->id);
    else db_bind_null(s, 10);
    db_bind_text(s, 11, error);
    db_bind_text(s, 12, now);
    int step = db_step(s), fresh = step == DB_DONE && db_changes(s) == 1;
    db_finalize(s);
    free(subject);
    if (step < 0) return db_failed(e);
    s = db_prepare(db, "UPDATE mailboxes SET last_uid = ? WHERE company_id = ? AND last_uid < ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, uid);
    db_bind_int64(s, 2, b->company);
    db_bind_int64(s, 3, uid);
    step = db_step(s);
    db_finalize(s);
    if (step < 0) return db_failed(e);
    return fresh ? 0 : 1;
}

/* Was this Message-ID already made into something in the company (the
 * same message in the folder twice, or again after UIDVALIDITY changed)? */
static int seen_before(db_conn *db, const mailbox *b, const inbound_message *m, err *e)
{
    if (!m->message_id[0]) return 0;
    return query_id(db, "SELECT 1 FROM inbound_mails WHERE company_id = ? AND message_id = ? AND outcome <> 'failed'",
                    b->company, m->message_id, e) > 0;
}

/* One message, exactly once: its record and the row remembering its UID
 * commit together; a UID already remembered writes nothing. A message
 * the engine refuses is remembered as failed (with the reason) so it
 * does not stop the ones after it. */
static int process(db_conn *db, const mailbox *b, auth_user *u, int64_t uid, const char *raw, size_t len, int cut)
{
    inbound_message m;
    if (mail_parse(raw, len, &m)) return -1;
    arena *a = arena_new();
    entity_ctx c = {.db = db, .a = a, .m = meta_for_company(db, b->company), .user = u, .lang = "zh"};
    err e;
    err_clear(&e);
    target made = {NULL, 0};
    const char *outcome = "duplicate";
    int rc = db_begin(db, &e);
    if (!rc && !seen_before(db, b, &m, &e)) rc = apply_message(&c, b, &m, cut, &made, &outcome, &e);
    int fresh = rc ? -1 : remember(db, b, uid, &m, outcome, &made, NULL, &e);
    if (!rc && fresh == 0) rc = db_commit(db, &e);
    else db_rollback(db), made.id = 0; /* nothing written: refused, or this UID was done already */
    if (rc) {
        char reason[400];
        snprintf(reason, sizeof reason, "%s", e.zh[0] ? e.zh : "处理失败");
        for (int i = 0; i < e.nfields && strlen(reason) < 300; i++)
            snprintf(reason + strlen(reason), sizeof reason - strlen(reason), "%s%s: %s", i ? "，" : "（",
                     e.fields[i].name, e.fields[i].reason);
        if (e.nfields) strncat(reason, "）", sizeof reason - strlen(reason) - 1);
        err_clear(&e);
        made = (target){NULL, 0};
        if (!db_begin(db, &e) && !remember(db, b, uid, &m, "failed", &made, reason, &e)) db_commit(db, &e);
        else db_rollback(db);
    }
    if (!rc && made.id) entity_totals_changed(db, meta_entity(c.m, made.entity), &e);
    arena_free(a);
    mail_parse_free(&m);
    return 0;
}

/* ---- the poll ---- */

/* The folder as the server knows it: modified UTF-7 in commands (STATUS),
 * and that percent-encoded in the URL ("&" "+" "," and " " would otherwise
 * mean something there; libcurl decodes the path before it asks). A name
 * saved before the check (or changed behind it) is sent as it is. */
static void folder_wire(mailbox *b)
{
    if (mutf7_encode(b->folder, b->wire, sizeof b->wire))
        snprintf(b->wire, sizeof b->wire, "%s", b->folder);
    static const char HEX[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)b->wire; *p && n + 4 < sizeof b->url_folder; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-~/", *p)) {
            b->url_folder[n++] = (char)*p;
        } else {
            b->url_folder[n++] = '%';
            b->url_folder[n++] = HEX[*p >> 4];
            b->url_folder[n++] = HEX[*p & 15];
        }
    }
    b->url_folder[n] = '\0';
}

static int load_mailbox(db_conn *db, int64_t company, mailbox *b)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db,
                            "SELECT imap_host, tls_mode, username, password, folder, creates, polled_key, imap_port,"
                            " COALESCE(queue_id, 0), COALESCE(acting_user_id, 0), uid_validity, last_uid"
                            " FROM mailboxes WHERE company_id = ?",
                            &e);
    if (!s) return -1;
    db_bind_int64(s, 1, company);
    int step = db_step(s);
    if (step == DB_ROW) {
        char *texts[] = {b->host, b->tls, b->user, b->password, b->folder, b->creates, b->polled_key};
        size_t sizes[] = {sizeof b->host, sizeof b->tls, sizeof b->user, sizeof b->password, sizeof b->folder,
                          sizeof b->creates, sizeof b->polled_key};
        for (int i = 0; i < 7; i++)
            snprintf(texts[i], sizes[i], "%s", db_column_is_null(s, i) ? "" : db_column_text(s, i));
        b->company = company;
        b->port = db_column_int64(s, 7);
        b->queue = db_column_int64(s, 8);
        b->acting_user = db_column_int64(s, 9);
        b->uid_validity = db_column_int64(s, 10);
        b->last_uid = db_column_int64(s, 11);
        snprintf(b->key, sizeof b->key, "%s:%lld/%s/%s", b->host, (long long)b->port, b->user, b->folder);
        folder_wire(b);
    }
    db_finalize(s);
    return step == DB_ROW ? 0 : -1;
}

/* Another folder, server or account, or the folder's UIDs renumbered:
 * the UIDs remembered mean nothing any more (Message-IDs still stop a
 * message being made twice). */
static void restart_if_moved(db_conn *db, mailbox *b, int64_t validity)
{
    if (validity == b->uid_validity && !strcmp(b->key, b->polled_key)) return;
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db, "UPDATE mailboxes SET uid_validity = ?, polled_key = ?, last_uid = 0 WHERE company_id = ?", &e);
    if (!s) return;
    db_bind_int64(s, 1, validity);
    db_bind_text(s, 2, b->key);
    db_bind_int64(s, 3, b->company);
    if (db_step(s) == DB_DONE) b->uid_validity = validity, b->last_uid = 0;
    db_finalize(s);
}

static int acting_user(db_conn *db, const mailbox *b, arena *a, auth_user *u, char *error, size_t error_len)
{
    err e;
    err_clear(&e);
    if (!b->acting_user || user_load(db, b->acting_user, a, u, &e) || u->company_id != b->company || !u->is_admin) {
        snprintf(error, error_len, "设置接收邮箱的管理员已不可用，请管理员重新保存邮箱设置");
        return -1;
    }
    return 0;
}

/* Polls one claimed mailbox; how many messages it processed. `*more`
 * says the folder has more waiting. */
static int poll_mailbox(db_conn *db, mailbox *b, char *error, size_t error_len, int *more)
{
    CURL *h = curl_easy_init();
    arena *a = arena_new();
    auth_user u;
    int done = 0;
    int64_t *uids = malloc(sizeof *uids * ROUND_MESSAGES);
    int64_t validity = h && uids && !acting_user(db, b, a, &u, error, error_len) ? uid_validity(h, b, error, error_len) : -1;
    if (validity >= 0) restart_if_moved(db, b, validity);
    int n = validity >= 0 ? new_uids(h, b, uids, more, error, error_len) : -1;
    for (int i = 0; i < n; i++) {
        char path[FOLDER_URL_MAX + 100];
        snprintf(path, sizeof path, "%s;UIDVALIDITY=%lld;UID=%lld;PARTIAL=0.%d", b->url_folder, (long long)b->uid_validity,
                 (long long)uids[i], MESSAGE_MAX);
        download d = {STRBUF_INIT, MESSAGE_MAX, 0};
        if (imap_request(h, b, path, NULL, &d, error, error_len)) {
            sb_free(&d.data);
            *more = 0;
            break;
        }
        process(db, b, &u, uids[i], sb_str(&d.data), d.data.len, d.cut || d.data.len >= MESSAGE_MAX);
        sb_free(&d.data);
        done++;
    }
    free(uids);
    arena_free(a);
    if (h) curl_easy_cleanup(h);
    return done;
}

static long poll_seconds(void)
{
    const char *env = getenv("KEHU_IMAP_POLL_SECONDS");
    return env && *env && atol(env) >= 0 ? atol(env) : 60; /* 0: every round of the worker (tests) */
}

/* Takes the mailbox for LEASE_SECONDS if its poll is due and nobody has it. */
static int claim(db_conn *db, int64_t company, const char *now, const char *due_before)
{
    err e;
    err_clear(&e);
    char until[ISO_TIME_LEN];
    iso_time(time(NULL) + LEASE_SECONDS, until);
    db_stmt *s = db_prepare(db,
                            "UPDATE mailboxes SET claimed_until = ? WHERE company_id = ? AND enabled = 1"
                            " AND (claimed_until IS NULL OR claimed_until < ?) AND (polled_at IS NULL OR polled_at <= ?)",
                            &e);
    if (!s) return 0;
    db_bind_text(s, 1, until);
    db_bind_int64(s, 2, company);
    db_bind_text(s, 3, now);
    db_bind_text(s, 4, due_before);
    int ok = db_step(s) == DB_DONE && db_changes(s) == 1;
    db_finalize(s);
    return ok;
}

static void release(db_conn *db, int64_t company, const char *error, int more)
{
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(db, "UPDATE mailboxes SET claimed_until = NULL, polled_at = ?, last_error = ? WHERE company_id = ?", &e);
    if (!s) return;
    if (more) db_bind_null(s, 1); /* a full round: the rest at once */
    else db_bind_text(s, 1, now);
    db_bind_text(s, 2, error && error[0] ? error : NULL);
    db_bind_int64(s, 3, company);
    db_step(s);
    db_finalize(s);
}

int mail_inbound_round(db_conn *db)
{
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN], due_before[ISO_TIME_LEN];
    iso_now(now);
    iso_time(time(NULL) - poll_seconds(), due_before);
    db_stmt *s = db_prepare(db,
                            "SELECT company_id FROM mailboxes WHERE enabled = 1 AND imap_host <> ''"
                            " AND (claimed_until IS NULL OR claimed_until < ?) AND (polled_at IS NULL OR polled_at <= ?)"
                            " ORDER BY company_id LIMIT 20",
                            &e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, due_before);
    int64_t companies[20];
    int n = 0, step, done = 0;
    while ((step = db_step(s)) == DB_ROW && n < 20) companies[n++] = db_column_int64(s, 0);
    db_finalize(s);
    if (step < 0) return -1;
    for (int i = 0; i < n; i++) {
        if (!claim(db, companies[i], now, due_before)) continue; /* another process polls it */
        mailbox b;
        memset(&b, 0, sizeof b);
        char error[512] = "";
        int more = 0;
        if (!load_mailbox(db, companies[i], &b)) done += poll_mailbox(db, &b, error, sizeof error, &more);
        release(db, companies[i], error, more);
    }
    return done;
}
