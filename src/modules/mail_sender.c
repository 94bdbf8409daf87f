/* mail_sender.c - see mail_sender.h. The worker reads and writes the
 * queue rows of every company with its own SQL: it is the server
 * delivering what a sender queued (rendered, under the sender's rights,
 * by mail.c), never a user reading records, and each row carries its
 * company, whose settings and rate it is sent with. */
#include "mail_sender.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../entity/entity.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "mail.h"
#include "mail_inbound.h"
#include "server_jobs.h"
#include "sms.h"

#define ROUND_MAX 200      /* rows looked at per round */
#define LEASE_SECONDS 300  /* a claimed row not finished by then is taken again */
#define BACKOFF_MAX 3600
#define COMPANIES_MAX 64   /* distinct companies per round; the rest wait a round */

static pthread_t worker;
static atomic_int stopping;
static int started;
static char *worker_db_url;

/* ---- one company's settings, as the worker needs them ---- */

typedef struct company_mail {
    int64_t company;
    char host[301], tls[16], user[301], password[301], from[301], from_name[301], public_url[301], sms[32];
    int64_t port, rate, sent_last_minute;
    int loaded;
} company_mail;

static int load_company(db_conn *db, company_mail *m, const char *minute_ago)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db,
                            "SELECT smtp_host, tls_mode, username, password, from_address, from_name, public_url,"
                            " sms_provider, smtp_port, rate_per_minute FROM mail_settings WHERE company_id = ?",
                            &e);
    if (!s) return -1;
    db_bind_int64(s, 1, m->company);
    int step = db_step(s);
    if (step == DB_ROW) {
        char *fields[] = {m->host, m->tls, m->user, m->password, m->from, m->from_name, m->public_url, m->sms};
        size_t sizes[] = {sizeof m->host, sizeof m->tls, sizeof m->user, sizeof m->password, sizeof m->from,
                          sizeof m->from_name, sizeof m->public_url, sizeof m->sms};
        for (int i = 0; i < 8; i++) snprintf(fields[i], sizes[i], "%s", db_column_text(s, i));
        m->port = db_column_int64(s, 8);
        m->rate = db_column_int64(s, 9);
    } else {
        m->rate = 600;
    }
    db_finalize(s);
    if (step < 0) return -1;
    const char *company = NULL;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)m->company);
    company = id;
    const char *params[] = {company, minute_ago};
    if (db_query_int64(db,
                       "SELECT COUNT(*) FROM comm_messages WHERE company_id = ? AND sent_at >= ? AND channel <> 'letter'",
                       &m->sent_last_minute, &e, 2, params) < 0)
        return -1;
    m->loaded = 1;
    return 0;
}

/* ---- the message in MIME ---- */

static void base64_lines(strbuf *out, const char *data, size_t len)
{
    for (size_t at = 0; at < len; at += 57) { /* 76 characters a line */
        size_t n = len - at < 57 ? len - at : 57;
        char line[80];
        sodium_bin2base64(line, sizeof line, (const unsigned char *)data + at, n, sodium_base64_VARIANT_ORIGINAL);
        sb_append(out, line);
        sb_append(out, "\r\n");
    }
}

/* An RFC 2047 encoded header value: UTF-8 in base64 words of at most 45
 * bytes, cut between characters, so any text (and no CR or LF) goes in. */
static void encoded_words(strbuf *out, const char *text)
{
    size_t len = strlen(text), at = 0;
    if (!len) return;
    while (at < len) {
        size_t n = len - at < 45 ? len - at : 45;
        while (at + n < len && n > 1 && ((unsigned char)text[at + n] & 0xc0) == 0x80) n--;
        char word[80];
        sodium_bin2base64(word, sizeof word, (const unsigned char *)text + at, n, sodium_base64_VARIANT_ORIGINAL);
        sb_printf(out, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", word);
        at += n;
    }
}

typedef struct outgoing {
    int64_t id, company, contact;
    char channel[16], to[201], token[64];
    char *subject, *body, *html;
    int refuses;
} outgoing;

static void mime_message(const company_mail *m, const outgoing *o, strbuf *out)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    sb_append(out, "From: ");
    if (m->from_name[0]) encoded_words(out, m->from_name), sb_putc(out, ' ');
    sb_printf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", m->from, o->to);
    encoded_words(out, o->subject ? o->subject : "");
    sb_printf(out, "\r\nDate: %s\r\nMessage-ID: <kehu.%lld.%.12s@kehu>\r\nX-Kehu-Message: %lld\r\n", date,
              (long long)o->id, o->token, (long long)o->id);
    if (m->public_url[0])
        sb_printf(out, "List-Unsubscribe: <%s/api/v1/mail-links/%s/unsubscribe>\r\n"
                       "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                  m->public_url, o->token);
    sb_printf(out, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"kehu-%s\"\r\n\r\n", o->token);
    sb_printf(out, "--kehu-%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
              o->token);
    strbuf text = STRBUF_INIT;
    sb_append(&text, o->body ? o->body : "");
    if (m->public_url[0]) sb_printf(&text, "\n\n退订 / Unsubscribe: %s/u/%s\n", m->public_url, o->token);
    base64_lines(out, sb_str(&text), text.len);
    sb_free(&text);
    sb_printf(out, "--kehu-%s\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
              o->token);
    base64_lines(out, o->html ? o->html : "", o->html ? strlen(o->html) : 0);
    sb_printf(out, "--kehu-%s--\r\n", o->token);
}

/* ---- SMTP through libcurl ---- */

typedef struct upload {
    const char *data;
    size_t len, at;
} upload;

static size_t read_upload(char *buf, size_t size, size_t n, void *arg)
{
    upload *u = arg;
    size_t room = size * n, left = u->len - u->at;
    size_t take = left < room ? left : room;
    memcpy(buf, u->data + u->at, take);
    u->at += take;
    return take;
}

static int smtp_send(CURL *h, const company_mail *m, const outgoing *o, char *error, size_t error_len)
{
    if (!m->host[0] || !m->from[0]) {
        snprintf(error, error_len, "未配置邮件服务器（管理员：通讯中心 → 邮件设置）");
        return -1;
    }
    if (strpbrk(o->to, "\r\n<> ,;") || !strchr(o->to, '@')) {
        snprintf(error, error_len, "收件地址无效");
        return -1;
    }
    strbuf mime = STRBUF_INIT;
    mime_message(m, o, &mime);
    upload u = {sb_str(&mime), mime.len, 0};
    char url[400], from[320], to[220];
    snprintf(url, sizeof url, "%s://%s:%lld", strcmp(m->tls, "tls") == 0 ? "smtps" : "smtp", m->host, (long long)m->port);
    snprintf(from, sizeof from, "<%s>", m->from);
    snprintf(to, sizeof to, "<%s>", o->to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    char curl_error[CURL_ERROR_SIZE] = "";
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)mime.len);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    if (strcmp(m->tls, "starttls") == 0) curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (m->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, m->password);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(rcpt);
    sb_free(&mime);
    if (rc == CURLE_OK) return 0;
    /* curl's words only: never the password */
    snprintf(error, error_len, "邮件服务器拒绝或无法连接：%s", curl_error[0] ? curl_error : curl_easy_strerror(rc));
    return -1;
}

/* ---- the queue ---- */

static void stamp_in(char out[ISO_TIME_LEN], long seconds)
{
    iso_time(time(NULL) + seconds, out);
}

static long retry_seconds(int64_t attempts)
{
    const char *env = getenv("KEHU_MAIL_RETRY_SECONDS");
    long base = env && atol(env) > 0 ? atol(env) : 60, wait = base;
    for (int64_t i = 1; i < attempts && wait < BACKOFF_MAX; i++) wait *= 2;
    return wait < BACKOFF_MAX ? wait : BACKOFF_MAX;
}

/* Takes, in one statement (one commit), those of the n rows still due
 * that nobody else has: their ids into got, the count returned (0 on an
 * error). The same conditional UPDATE as one row's claim, so of several
 * processes exactly one gets each row; RETURNING says which. */
static int claim_batch(db_conn *db, const int64_t *ids, int n, const char *now, int64_t *got)
{
    err e;
    err_clear(&e);
    char until[ISO_TIME_LEN];
    stamp_in(until, LEASE_SECONDS);
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "UPDATE comm_messages SET status = 'sending', claimed_until = ?, attempts = attempts + 1,"
                    " version = version + 1 WHERE id IN (");
    for (int i = 0; i < n; i++) sb_append(&sql, i ? ", ?" : "?");
    sb_append(&sql, ") AND deleted_at IS NULL"
                    " AND ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until < ?))"
                    " RETURNING id");
    db_stmt *s = db_prepare(db, sb_str(&sql), &e);
    sb_free(&sql);
    if (!s) return 0;
    db_bind_text(s, 1, until);
    for (int i = 0; i < n; i++) db_bind_int64(s, 2 + i, ids[i]);
    db_bind_text(s, 2 + n, now);
    db_bind_text(s, 3 + n, now);
    int k = 0, step;
    while ((step = db_step(s)) == DB_ROW && k < n) got[k++] = db_column_int64(s, 0);
    db_finalize(s);
    return step < 0 ? 0 : k;
}

static char *column_dup(db_stmt *s, int i)
{
    return db_column_is_null(s, i) ? NULL : strdup(db_column_text(s, i));
}

static int load_outgoing(db_conn *db, int64_t id, outgoing *o, int64_t *attempts)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db,
                            "SELECT m.company_id, m.contact_id, m.channel, m.to_address, m.token, m.subject, m.body,"
                            " m.html, m.attempts, CASE WHEN m.channel = 'email' THEN COALESCE(c.do_not_email, l.do_not_email)"
                            " ELSE COALESCE(c.do_not_call, l.do_not_call) END"
                            " FROM comm_messages m LEFT JOIN contacts c ON c.id = m.contact_id"
                            " LEFT JOIN leads l ON l.id = m.lead_id WHERE m.id = ?",
                            &e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int step = db_step(s);
    if (step == DB_ROW) {
        o->id = id;
        o->company = db_column_int64(s, 0);
        o->contact = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
        snprintf(o->channel, sizeof o->channel, "%s", db_column_is_null(s, 2) ? "" : db_column_text(s, 2));
        snprintf(o->to, sizeof o->to, "%s", db_column_is_null(s, 3) ? "" : db_column_text(s, 3));
        snprintf(o->token, sizeof o->token, "%s", db_column_is_null(s, 4) ? "" : db_column_text(s, 4));
        o->subject = column_dup(s, 5);
        o->body = column_dup(s, 6);
        o->html = column_dup(s, 7);
        *attempts = db_column_int64(s, 8);
        o->refuses = !db_column_is_null(s, 9) && db_column_int64(s, 9) != 0;
    }
    db_finalize(s);
    return step == DB_ROW ? 0 : -1;
}

/* The row's end of this attempt: sent, refused, or failed (again later
 * while attempts remain). Only from 发送中, so a row taken over after its
 * lease is not written twice. */
static void finish(db_conn *db, int64_t id, const char *status, const char *error, int64_t attempts)
{
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN], next[ISO_TIME_LEN];
    iso_now(now);
    int retry = !strcmp(status, "failed") && attempts < MAIL_ATTEMPTS_MAX;
    stamp_in(next, retry ? retry_seconds(attempts) : 0);
    db_stmt *s = db_prepare(db,
                            "UPDATE comm_messages SET status = ?, last_error = ?, sent_at = ?, next_attempt_at = ?,"
                            " claimed_until = NULL, version = version + 1, updated_at = ? WHERE id = ? AND status = 'sending'",
                            &e);
    if (!s) return;
    db_bind_text(s, 1, retry ? "pending" : status);
    db_bind_text(s, 2, error);
    db_bind_text(s, 3, !strcmp(status, "sent") ? now : NULL);
    db_bind_text(s, 4, next);
    db_bind_text(s, 5, now);
    db_bind_int64(s, 6, id);
    db_step(s);
    db_finalize(s);
}

static company_mail *company_of(company_mail *cs, int *n, int64_t company, db_conn *db, const char *minute_ago)
{
    for (int i = 0; i < *n; i++)
        if (cs[i].company == company) return cs[i].loaded ? &cs[i] : NULL;
    if (*n == COMPANIES_MAX) return NULL;
    company_mail *m = &cs[(*n)++];
    memset(m, 0, sizeof *m);
    m->company = company;
    return load_company(db, m, minute_ago) ? NULL : m;
}

static void deliver(db_conn *db, CURL *h, company_mail *m, int64_t id)
{
    outgoing o = {0};
    int64_t attempts = 0;
    if (load_outgoing(db, id, &o, &attempts)) return;
    char error[512] = "";
    const char *status = "sent";
    if (o.refuses) {
        status = "unsubscribed";
        snprintf(error, sizeof error, "%s", !strcmp(o.channel, "email") ? "收件人已拒收邮件" : "收件人已拒收电话短信");
    } else if (!strcmp(o.channel, "email")) {
        if (smtp_send(h, m, &o, error, sizeof error)) status = "failed";
    } else if (!strcmp(o.channel, "sms")) {
        const sms_provider *p = sms_provider_named(m->sms);
        if (!p) snprintf(error, sizeof error, "未配置短信网关"), status = "failed";
        else if (p->send(db, o.company, o.id, o.to, o.body ? o.body : "", error, sizeof error)) status = "failed";
    }
    finish(db, id, status, error[0] ? error : NULL, attempts);
    if (!strcmp(status, "sent")) m->sent_last_minute++;
    free(o.subject);
    free(o.body);
    free(o.html);
}

/* One round: the due rows, each claimed and delivered. Answers how many
 * were delivered (or tried). */
static int round_once(db_conn *db, CURL *h)
{
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN], minute_ago[ISO_TIME_LEN];
    iso_now(now);
    stamp_in(minute_ago, -60);
    db_stmt *s = db_prepare(db, MAIL_DUE_SQL, &e); /* index ranges only: see mail_sender.h */
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, now);
    int64_t ids[ROUND_MAX], companies[ROUND_MAX];
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < ROUND_MAX)
        ids[n] = db_column_int64(s, 0), companies[n++] = db_column_int64(s, 1);
    db_finalize(s);
    if (step < 0) return -1;
    /* Claimed a company at a time, as many of its rows as its rate still
     * allows this minute, in one statement: a bulk send of 10,000 is fifty
     * claims rather than 10,000 commits. */
    company_mail *cs = calloc(COMPANIES_MAX, sizeof *cs);
    int ncs = 0, done = 0;
    int64_t mine[ROUND_MAX], got[ROUND_MAX];
    char taken[ROUND_MAX] = {0};
    for (int i = 0; cs && i < n && !atomic_load(&stopping); i++) {
        if (taken[i]) continue;
        company_mail *m = company_of(cs, &ncs, companies[i], db, minute_ago);
        int k = 0;
        for (int j = i; j < n; j++)
            if (!taken[j] && companies[j] == companies[i]) {
                taken[j] = 1;
                if (m && m->sent_last_minute + k < m->rate) mine[k++] = ids[j]; /* the rest: next minute */
            }
        int claimed = k ? claim_batch(db, mine, k, now, got) : 0; /* others' rows are left out */
        for (int j = 0; j < k && !atomic_load(&stopping); j++)
            for (int g = 0; g < claimed; g++)
                if (got[g] == mine[j]) {
                    deliver(db, h, m, mine[j]);
                    done++;
                    break;
                }
    }
    free(cs);
    if (done) {
        const entity_def *ent = meta_entity(meta_current(), "comm_messages");
        if (ent) entity_totals_changed(db, ent, &e); /* the lists by status move */
    }
    return done;
}

static void *run(void *arg)
{
    (void)arg;
    const char *env = getenv("KEHU_MAIL_POLL_MS");
    long poll_ms = env && atol(env) > 0 ? atol(env) : 1000;
    db_conn *db = NULL;
    CURL *h = curl_easy_init();
    while (!atomic_load(&stopping)) {
        if (!db) {
            err e;
            err_clear(&e);
            db = db_open(worker_db_url, &e);
        }
        int done = db && h ? round_once(db, h) : -1;
        int received = db && done >= 0 ? mail_inbound_round(db) : 0; /* 接收邮箱: the mailboxes due */
        int jobs = db && done >= 0 && received >= 0 ? server_jobs_round(db) : 0; /* the SLA sweep... */
        if ((done < 0 || received < 0 || jobs < 0) && db) db_close(db), db = NULL; /* reconnect next round */
        if (done > 0) continue;
        for (long slept = 0; slept < poll_ms && !atomic_load(&stopping); slept += 50) usleep(50000);
    }
    if (h) curl_easy_cleanup(h);
    if (db) db_close(db);
    return NULL;
}

int mail_worker_start(const char *db_url)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    worker_db_url = strdup(db_url);
    atomic_store(&stopping, 0);
    started = worker_db_url && pthread_create(&worker, NULL, run, NULL) == 0;
    return started ? 0 : -1;
}

void mail_worker_stop(void)
{
    if (!started) return;
    atomic_store(&stopping, 1);
    pthread_join(worker, NULL);
    started = 0;
    free(worker_db_url);
    worker_db_url = NULL;
    curl_global_cleanup();
}
