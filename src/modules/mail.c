/* mail.c - see mail.h. */
#include "mail.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../auth/session.h"
#include "../auth/token.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "marketing.h"

#define MERGE_KEY_MAX 80
#define LINKS_MAX 50

static int db_failed(err *e)
{
    return err_set(e, 500, "db_error", "读取通讯数据失败", "Reading communication data failed");
}

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---- merge fields: {{contact.name}}, {{account.name}}, {{user.name}}, {{lead.name}} ---- */

/* The record kinds a merge field may name, and the entity each reads. */
static const struct {
    const char *prefix, *entity, *zh, *en;
} SOURCES[] = {
    {"contact", "contacts", "联系人", "Contact"},
    {"account", "accounts", "客户", "Account"},
    {"user", "users", "发件人", "Sender"},
    {"lead", "leads", "线索", "Lead"},
};
enum { SRC_CONTACT, SRC_ACCOUNT, SRC_USER, SRC_LEAD, NSOURCES };

/* Who a message goes to: a contact (of an account) or a lead. */
typedef enum { TO_CONTACT, TO_LEAD } recipient_kind;

/* One {{...}} of a template: its source and field, or -1 when unknown. */
typedef struct merge_ref {
    int source;
    const field_def *field;
} merge_ref;

/* A field a merge may name: readable by the caller, not the engine's
 * bookkeeping (id, version, stamps; a record's 负责人 is kept), and of the
 * sender only what a letter would sign with. */
static int merge_allowed(entity_ctx *c, int source, const entity_def *ent, const field_def *f)
{
    static const char *const SENDER[] = {"name", "username", "email", "mobile", "department_id", "role_id"};
    if (!f || f->type == FT_JSON || acl_field_access(c->user, ent, f) == 0) return 0;
    if (source == SRC_USER) {
        for (size_t i = 0; i < sizeof SENDER / sizeof *SENDER; i++)
            if (strcmp(f->name, SENDER[i]) == 0) return 1;
        return 0;
    }
    return !f->system || strcmp(f->name, "owner_id") == 0;
}

static int merge_resolve(entity_ctx *c, const char *key, size_t len, merge_ref *r)
{
    while (len && isspace((unsigned char)*key)) key++, len--;
    while (len && isspace((unsigned char)key[len - 1])) len--;
    const char *dot = memchr(key, '.', len);
    if (!dot || len >= MERGE_KEY_MAX) return -1;
    char field[MERGE_KEY_MAX];
    size_t plen = (size_t)(dot - key);
    snprintf(field, sizeof field, "%.*s", (int)(len - plen - 1), dot + 1);
    for (int s = 0; s < NSOURCES; s++) {
        if (strlen(SOURCES[s].prefix) != plen || strncmp(key, SOURCES[s].prefix, plen) != 0) continue;
        const entity_def *ent = meta_entity(c->m, SOURCES[s].entity);
        const field_def *f = ent ? meta_field(ent, field) : NULL;
        /* a field hidden from the caller does not exist for them */
        if (!merge_allowed(c, s, ent, f)) return -1;
        r->source = s;
        r->field = f;
        return 0;
    }
    return -1;
}

/* Calls fn for each literal piece and merge field of text, in order. */
typedef int (*merge_piece)(void *arg, const char *text, size_t len, const merge_ref *ref);

static int merge_walk(entity_ctx *c, const char *text, const char *name, merge_piece fn, void *arg, err *e)
{
    const char *p = text ? text : "";
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) return fn(arg, p, strlen(p), NULL);
        if (open > p && fn(arg, p, (size_t)(open - p), NULL)) return -1;
        const char *close = strstr(open + 2, "}}");
        merge_ref ref;
        size_t klen = close ? (size_t)(close - open - 2) : 0;
        if (!close || merge_resolve(c, open + 2, klen, &ref)) {
            size_t shown = close ? klen + 4 : strcspn(open, "\n");
            if (shown > MERGE_KEY_MAX) shown = MERGE_KEY_MAX;
            err_add_field(e, name, "unknown_merge_field");
            return err_setf(e, 422, "unknown_merge_field", "合并字段「%.*s」不存在或无权使用",
                            "Unknown merge field %.*s", (int)shown, open, (int)shown, open);
        }
        if (fn(arg, NULL, 0, &ref)) return -1;
        p = close + 2;
    }
    return 0;
}

static int uses_piece(void *arg, const char *text, size_t len, const merge_ref *ref)
{
    (void)text, (void)len;
    if (ref) ((int *)arg)[ref->source] = 1;
    return 0;
}

/* Checks a template's texts; marks in uses[] the sources they read. */
static int merge_check(entity_ctx *c, const char *subject, const char *body, int uses[NSOURCES], err *e)
{
    return merge_walk(c, subject, "subject", uses_piece, uses, e) || merge_walk(c, body, "body", uses_piece, uses, e)
               ? -1
               : 0;
}

static int template_checked(entity_ctx *c, hook_change *ch, err *e)
{
    int uses[NSOURCES] = {0};
    return merge_check(c, hook_text(ch, "subject"), hook_text(ch, "body"), uses, e);
}

int mail_merge_fields(entity_ctx *c, strbuf *out, err *e)
{
    (void)e;
    sb_append(out, "{\"items\":[");
    int n = 0;
    int en = c->lang && strcmp(c->lang, "en") == 0;
    for (int s = 0; s < NSOURCES; s++) {
        const entity_def *ent = meta_entity(c->m, SOURCES[s].entity);
        for (int i = 0; ent && i < ent->nfields; i++) {
            const field_def *f = &ent->fields[i];
            if (!merge_allowed(c, s, ent, f)) continue;
            sb_append(out, n++ ? ",{\"key\":" : "{\"key\":");
            sb_json_string(out, arena_printf(c->a, "%s.%s", SOURCES[s].prefix, f->name));
            sb_append(out, ",\"label\":");
            sb_json_string(out, arena_printf(c->a, "%s.%s", en ? SOURCES[s].en : SOURCES[s].zh,
                                             en ? f->label_en : f->label_zh));
            sb_putc(out, '}');
        }
    }
    sb_append(out, "]}");
    return 0;
}

/* ---- rendering one message ---- */

/* What the merge reads: the records as the sender sees them, their values
 * as people read them (picklist labels, exact money). */
typedef struct merge_data {
    json_t *rec[NSOURCES];
    int missing[NSOURCES]; /* used but not readable by the sender */
} merge_data;

static json_t *read_as(entity_ctx *c, const char *entity, int64_t id, err *e)
{
    entity_ctx tc = *c;
    tc.as_text = 1;
    strbuf sb = STRBUF_INIT;
    json_t *r = NULL;
    if (entity_get(&tc, meta_entity(c->m, entity), id, 0, &sb, e) == 0) r = json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    return r;
}

static void merge_data_free(merge_data *d)
{
    for (int s = 0; s < NSOURCES; s++) json_decref(d->rec[s]);
}

/* The value of a merge field as text ("" when empty). */
static const char *merge_value(entity_ctx *c, const merge_data *d, const merge_ref *r)
{
    const json_t *rec = d->rec[r->source];
    const char *key = (r->field->type == FT_LINK || r->field->type == FT_USER) ? r->field->companion : r->field->name;
    const json_t *v = json_object_get(rec, key);
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(c->a, "%lld", (long long)json_integer_value(v));
    if (json_is_true(v)) return c->lang && strcmp(c->lang, "en") == 0 ? "Yes" : "是";
    if (json_is_false(v)) return c->lang && strcmp(c->lang, "en") == 0 ? "No" : "否";
    return "";
}

static void html_escape(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': sb_append(out, "&lt;"); break;
        case '>': sb_append(out, "&gt;"); break;
        case '&': sb_append(out, "&amp;"); break;
        case '"': sb_append(out, "&quot;"); break;
        case '\'': sb_append(out, "&#39;"); break;
        case '\n': sb_append(out, "<br>\n"); break;
        case '\r': break;
        default: sb_putc(out, s[i]);
        }
    }
}

/* Where a URL in the template's own text ends: at a blank, a quote, an
 * angle bracket or a non-ASCII byte, less trailing punctuation. */
static size_t url_length(const char *s, size_t n)
{
    size_t len = 0;
    while (len < n && (unsigned char)s[len] > ' ' && (unsigned char)s[len] < 0x7f && !strchr("<>\"'`", s[len])) len++;
    while (len && strchr(".,;:!?)]", s[len - 1])) len--;
    return len;
}

typedef struct render {
    entity_ctx *c;
    const merge_data *d;
    strbuf text, html;
    json_t *links;
    const char *link_base; /* "<public url>/api/v1/mail-links/<token>/click?n=", NULL: no tracking */
    err *e;
} render;

/* Literal text of the template: escaped, its URLs made links (through the
 * click-through redirect when tracked). Merged values are only escaped: a
 * value never becomes markup or a link. */
static int render_piece(void *arg, const char *text, size_t len, const merge_ref *ref)
{
    render *r = arg;
    if (ref) {
        if (r->d->missing[ref->source])
            return err_setf(r->e, 422, "merge_not_readable", "无权读取合并字段所在的%s记录",
                            "The %s record of a merge field is not yours to read", SOURCES[ref->source].zh,
                            SOURCES[ref->source].en);
        const char *v = merge_value(r->c, r->d, ref);
        sb_append(&r->text, v);
        html_escape(&r->html, v, strlen(v));
        return 0;
    }
    sb_appendn(&r->text, text, len);
    size_t i = 0;
    while (i < len) {
        const char *hit = NULL;
        for (size_t j = i; j + 8 <= len && !hit; j++)
            if (strncmp(text + j, "http://", 7) == 0 || strncmp(text + j, "https://", 8) == 0) hit = text + j;
        size_t upto = hit ? (size_t)(hit - text) : len;
        html_escape(&r->html, text + i, upto - i);
        if (!hit) break;
        size_t ulen = url_length(hit, len - upto);
        if (ulen <= 8 || json_array_size(r->links) >= LINKS_MAX) {
            html_escape(&r->html, hit, ulen ? ulen : 1);
            i = upto + (ulen ? ulen : 1);
            continue;
        }
        sb_append(&r->html, "<a href=\"");
        if (r->link_base) sb_printf(&r->html, "%s%zu", r->link_base, json_array_size(r->links));
        else html_escape(&r->html, hit, ulen);
        sb_append(&r->html, "\">");
        html_escape(&r->html, hit, ulen);
        sb_append(&r->html, "</a>");
        json_array_append_new(r->links, json_stringn(hit, ulen));
        i = upto + ulen;
    }
    return 0;
}

typedef struct message {
    const char *to, *subject, *text, *html, *links;
} message;

static const char *one_line(arena *a, const char *s)
{
    char *t = arena_printf(a, "%s", s ? s : "");
    for (char *p = t; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t') *p = ' ';
    return t;
}

/* Merges subject and body for the data in d. With a token (an email to
 * send) the HTML carries the click-through links, the unsubscribe link
 * and the open pixel under public_url. */
static int render_message(entity_ctx *c, const merge_data *d, const char *channel, const char *subject,
                          const char *body, const char *token, const char *public_url, message *m, err *e)
{
    render r = {.c = c, .d = d, .text = STRBUF_INIT, .html = STRBUF_INIT, .links = json_array(), .e = e};
    int rc = merge_walk(c, subject, "subject", render_piece, &r, e);
    m->subject = one_line(c->a, sb_str(&r.text));
    sb_clear(&r.text);
    sb_clear(&r.html);
    json_array_clear(r.links);
    if (token) r.link_base = arena_printf(c->a, "%s/api/v1/mail-links/%s/click?n=", public_url, token);
    if (!rc) rc = merge_walk(c, body, "body", render_piece, &r, e);
    m->text = arena_printf(c->a, "%s", sb_str(&r.text));
    if (!rc && strcmp(channel, "email") == 0) {
        strbuf h = STRBUF_INIT;
        sb_append(&h, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                      "<div style=\"font-family:sans-serif;line-height:1.6\">");
        sb_append(&h, sb_str(&r.html));
        sb_append(&h, "</div>");
        if (token)
            sb_printf(&h,
                      "<p style=\"color:#888;font-size:12px\">如不希望再收到此类邮件，请<a href=\"%s/u/%s\">点击退订</a>。"
                      " / <a href=\"%s/u/%s\">Unsubscribe</a></p>"
                      "<img src=\"%s/api/v1/mail-links/%s/open\" width=\"1\" height=\"1\" alt=\"\">",
                      public_url, token, public_url, token, public_url, token);
        sb_append(&h, "</body></html>");
        m->html = arena_printf(c->a, "%s", sb_str(&h));
        sb_free(&h);
    } else {
        m->html = NULL;
    }
    char *links = json_dumps(r.links, JSON_COMPACT);
    m->links = arena_printf(c->a, "%s", links ? links : "[]");
    free(links);
    sb_free(&r.text);
    sb_free(&r.html);
    json_decref(r.links);
    return rc;
}

/* Reads what the template uses for one recipient (a contact or a lead):
 * 404 when it is not the sender's to see; a contact's account they cannot
 * read is marked missing (refused only if a field of it is used). */
static int merge_load(entity_ctx *c, recipient_kind kind, int64_t id, const int uses[NSOURCES], merge_data *d, err *e)
{
    memset(d, 0, sizeof *d);
    int own = kind == TO_LEAD ? SRC_LEAD : SRC_CONTACT;
    d->rec[own] = read_as(c, SOURCES[own].entity, id, e);
    if (!d->rec[own]) return -1;
    json_t *acc = json_object_get(d->rec[SRC_CONTACT], "account_id"); /* NULL for a lead */
    if (uses[SRC_ACCOUNT] && json_is_integer(acc)) {
        d->rec[SRC_ACCOUNT] = read_as(c, "accounts", json_integer_value(acc), e);
        if (!d->rec[SRC_ACCOUNT]) {
            if (e->status >= 500) return -1;
            err_clear(e);
            d->missing[SRC_ACCOUNT] = 1;
        }
    }
    if (uses[SRC_USER]) {
        d->rec[SRC_USER] = read_as(c, "users", c->user->id, e);
        if (!d->rec[SRC_USER]) {
            if (e->status >= 500) return -1;
            err_clear(e);
            d->rec[SRC_USER] = json_pack("{s:s}", "name", c->user->name ? c->user->name : "");
        }
    }
    return 0;
}

/* ---- templates as the request names them ---- */

typedef struct tmpl {
    int64_t id;
    const char *channel, *subject, *body;
    int uses[NSOURCES];
} tmpl;

static int template_of(entity_ctx *c, json_t *body, int inline_ok, tmpl *t, err *e)
{
    memset(t, 0, sizeof *t);
    json_t *id = json_object_get(body, "template_id");
    if (json_is_integer(id)) {
        json_t *r = NULL;
        strbuf sb = STRBUF_INIT;
        if (entity_get(c, meta_entity(c->m, "comm_templates"), json_integer_value(id), 0, &sb, e) == 0)
            r = json_loads(sb_str(&sb), 0, NULL);
        sb_free(&sb);
        if (!r) {
            err_clear(e);
            err_add_field(e, "template_id", "not_found");
            return err_set(e, 422, "validation_failed", "沟通模板不存在或无权访问", "The template does not exist or is not yours to see");
        }
        t->id = json_integer_value(id);
        t->channel = arena_printf(c->a, "%s", text_of(r, "channel") ? text_of(r, "channel") : "email");
        t->subject = arena_printf(c->a, "%s", text_of(r, "subject") ? text_of(r, "subject") : "");
        t->body = arena_printf(c->a, "%s", text_of(r, "body") ? text_of(r, "body") : "");
        json_decref(r);
    } else if (inline_ok && json_is_string(json_object_get(body, "body"))) {
        t->channel = text_of(body, "channel") ? text_of(body, "channel") : "email";
        t->subject = text_of(body, "subject") ? text_of(body, "subject") : "";
        t->body = text_of(body, "body");
    } else {
        err_add_field(e, "template_id", "required");
        return err_set(e, 422, "validation_failed", "请选择沟通模板", "Choose a template");
    }
    if (strcmp(t->channel, "email") != 0 && strcmp(t->channel, "sms") != 0 && strcmp(t->channel, "letter") != 0) {
        err_add_field(e, "channel", "not_an_option");
        return err_set(e, 422, "validation_failed", "沟通方式只能是邮件、短信或信函", "The channel is email, sms or letter");
    }
    return merge_check(c, t->subject, t->body, t->uses, e);
}

/* The recipient's record: the contact, or the lead. */
static const json_t *recipient_of(const merge_data *d)
{
    return d->rec[SRC_CONTACT] ? d->rec[SRC_CONTACT] : d->rec[SRC_LEAD];
}

static const char *address_of(const tmpl *t, const merge_data *d)
{
    const char *key = strcmp(t->channel, "sms") == 0 ? "mobile" : strcmp(t->channel, "email") == 0 ? "email" : "address";
    const char *v = text_of(recipient_of(d), key);
    return v ? v : "";
}

/* A template's merge fields must be the recipient's kind: a lead has no
 * contact or account to merge, a contact no lead. */
static int merge_fits(const tmpl *t, recipient_kind kind, err *e)
{
    if (kind == TO_LEAD && (t->uses[SRC_CONTACT] || t->uses[SRC_ACCOUNT]))
        return err_set(e, 422, "merge_not_for_recipients", "模板用到了联系人或客户的合并字段，不能发给线索（请改用 {{lead.…}}）",
                       "The template merges contact or account fields; a lead has none (use {{lead.…}})");
    if (kind == TO_CONTACT && t->uses[SRC_LEAD])
        return err_set(e, 422, "merge_not_for_recipients", "模板用到了线索的合并字段，只能发给线索",
                       "The template merges lead fields; send it to leads");
    return 0;
}

int mail_preview(entity_ctx *c, json_t *body, strbuf *out, err *e)
{
    if (!acl_can(c->user, meta_entity(c->m, "comm_templates"), ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看沟通模板的权限", "No permission to view templates");
    tmpl t;
    if (template_of(c, body, 1, &t, e)) return -1;
    json_t *cid = json_object_get(body, "contact_id"), *lid = json_object_get(body, "lead_id");
    recipient_kind kind = lid && !cid ? TO_LEAD : TO_CONTACT;
    if (!json_is_integer(kind == TO_LEAD ? lid : cid)) {
        err_add_field(e, kind == TO_LEAD ? "lead_id" : "contact_id", "required");
        return err_set(e, 422, "validation_failed", "请选择预览用的联系人或线索", "Choose a contact or lead to preview for");
    }
    if (merge_fits(&t, kind, e)) return -1;
    merge_data d;
    message m;
    int rc = merge_load(c, kind, json_integer_value(kind == TO_LEAD ? lid : cid), t.uses, &d, e);
    if (!rc) rc = render_message(c, &d, t.channel, t.subject, t.body, NULL, NULL, &m, e);
    if (!rc) {
        sb_append(out, "{\"channel\":");
        sb_json_string(out, t.channel);
        sb_append(out, ",\"to\":");
        sb_json_string(out, address_of(&t, &d));
        sb_append(out, ",\"subject\":");
        sb_json_string(out, m.subject);
        sb_append(out, ",\"text\":");
        sb_json_string(out, m.text);
        sb_append(out, ",\"html\":");
        sb_json_string(out, m.html);
        sb_printf(out, ",\"links\":%s}", m.links);
    }
    merge_data_free(&d);
    return rc;
}

/* ---- settings ---- */

static int public_url_of(entity_ctx *c, const char **url, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT public_url FROM mail_settings WHERE company_id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    int step = db_step(s);
    *url = step == DB_ROW ? arena_printf(c->a, "%s", db_column_text(s, 0)) : "";
    db_finalize(s);
    return step < 0 ? db_failed(e) : 0;
}

static const char *const SETTINGS_TEXT[] = {"smtp_host", "tls_mode", "username", "from_address", "from_name",
                                            "public_url", "sms_provider"};
static const char *const SETTINGS_INT[] = {"smtp_port", "rate_per_minute"};

int mail_settings_get(entity_ctx *c, strbuf *out, err *e)
{
    if (!c->user->is_admin)
        return err_set(e, 403, "forbidden", "只有管理员可以设置邮件服务器", "Only administrators set the mail server");
    db_stmt *s = db_prepare(c->db,
                            "SELECT smtp_host, tls_mode, username, from_address, from_name, public_url, sms_provider,"
                            " smtp_port, rate_per_minute, password FROM mail_settings WHERE company_id = ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    int step = db_step(s);
    sb_putc(out, '{');
    for (int i = 0; i < 7; i++) {
        sb_printf(out, "%s\"%s\":", i ? "," : "", SETTINGS_TEXT[i]);
        sb_json_string(out, step == DB_ROW ? db_column_text(s, i) : i == 1 ? "starttls" : "");
    }
    sb_printf(out, ",\"smtp_port\":%lld,\"rate_per_minute\":%lld,\"password_set\":%s}",
              step == DB_ROW ? (long long)db_column_int64(s, 7) : 25LL,
              step == DB_ROW ? (long long)db_column_int64(s, 8) : 600LL,
              step == DB_ROW && db_column_text(s, 9)[0] ? "true" : "false");
    db_finalize(s);
    return step < 0 ? db_failed(e) : 0;
}

static int settings_invalid(json_t *body, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int known = strcmp(key, "password") == 0, is_int = 0;
        for (size_t i = 0; i < sizeof SETTINGS_TEXT / sizeof *SETTINGS_TEXT; i++) known |= strcmp(key, SETTINGS_TEXT[i]) == 0;
        for (size_t i = 0; i < 2; i++) is_int |= strcmp(key, SETTINGS_INT[i]) == 0;
        if (!known && !is_int) err_add_field(e, key, "unknown");
        else if (is_int ? !json_is_integer(v) : !json_is_string(v)) err_add_field(e, key, "invalid_type");
        else if (json_is_string(v) && (strlen(json_string_value(v)) > 300 || strpbrk(json_string_value(v), "\r\n")))
            err_add_field(e, key, "invalid");
    }
    json_int_t port = json_integer_value(json_object_get(body, "smtp_port"));
    json_int_t rate = json_integer_value(json_object_get(body, "rate_per_minute"));
    const char *tls = text_of(body, "tls_mode"), *url = text_of(body, "public_url"), *sms = text_of(body, "sms_provider");
    const char *from = text_of(body, "from_address");
    if (json_object_get(body, "smtp_port") && (port < 1 || port > 65535)) err_add_field(e, "smtp_port", "out_of_range");
    if (json_object_get(body, "rate_per_minute") && (rate < 1 || rate > 1000000))
        err_add_field(e, "rate_per_minute", "out_of_range");
    if (tls && strcmp(tls, "none") != 0 && strcmp(tls, "starttls") != 0 && strcmp(tls, "tls") != 0)
        err_add_field(e, "tls_mode", "not_an_option");
    if (url && url[0] && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        err_add_field(e, "public_url", "invalid");
    if (sms && sms[0] && strcmp(sms, "test") != 0) err_add_field(e, "sms_provider", "not_an_option");
    if (from && from[0] && (!strchr(from, '@') || strpbrk(from, "<> ,;")))
        err_add_field(e, "from_address", "invalid");
    return e->nfields ? err_set(e, 422, "validation_failed", "邮件设置有误", "Invalid mail settings") : 0;
}

int mail_settings_put(entity_ctx *c, json_t *body, strbuf *out, err *e)
{
    if (!c->user->is_admin)
        return err_set(e, 403, "forbidden", "只有管理员可以设置邮件服务器", "Only administrators set the mail server");
    if (settings_invalid(body, e)) return -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (db_begin(c->db, e)) return -1;
    query q;
    query_init(&q, c->a);
    /* the row first exists with the defaults, then each field given is set */
    query_sql(&q, "INSERT INTO mail_settings (company_id) SELECT ");
    query_bind_int(&q, c->user->company_id);
    query_sql(&q, " WHERE NOT EXISTS (SELECT 1 FROM mail_settings WHERE company_id = ");
    query_bind_int(&q, c->user->company_id);
    query_sql(&q, ")");
    int rc = query_exec(c->db, &q, "保存邮件设置失败", "Saving the mail settings failed", e);
    query_free(&q);
    query_init(&q, c->a);
    query_sql(&q, "UPDATE mail_settings SET updated_at = ");
    query_bind_text(&q, now);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        query_sqlf(&q, ", %s = ", key); /* a known column: settings_invalid refused any other key */
        if (json_is_integer(v)) query_bind_int(&q, json_integer_value(v));
        else query_bind_text(&q, json_string_value(v));
    }
    query_sql(&q, " WHERE company_id = ");
    query_bind_int(&q, c->user->company_id);
    if (!rc) rc = query_exec(c->db, &q, "保存邮件设置失败", "Saving the mail settings failed", e);
    query_free(&q);
    if (!rc) rc = db_commit(c->db, e);
    if (rc) return db_rollback(c->db), -1;
    return mail_settings_get(c, out, e);
}

int mail_sms_outbox(entity_ctx *c, strbuf *out, err *e)
{
    if (!c->user->is_admin)
        return err_set(e, 403, "forbidden", "只有管理员可以查看短信网关记录", "Only administrators read the SMS gateway log");
    db_stmt *s = db_prepare(c->db,
                            "SELECT id, message_id, phone, text, created_at FROM sms_outbox WHERE company_id = ?"
                            " ORDER BY id DESC LIMIT 1000",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    sb_append(out, "{\"items\":[");
    int step, n = 0;
    while ((step = db_step(s)) == DB_ROW) {
        sb_printf(out, "%s{\"id\":%lld,\"message_id\":%lld,\"phone\":", n++ ? "," : "", (long long)db_column_int64(s, 0),
                  (long long)db_column_int64(s, 1));
        sb_json_string(out, db_column_text(s, 2));
        sb_append(out, ",\"text\":");
        sb_json_string(out, db_column_text(s, 3));
        sb_append(out, ",\"created_at\":");
        sb_json_string(out, db_column_text(s, 4));
        sb_putc(out, '}');
    }
    db_finalize(s);
    sb_append(out, "]}");
    return step < 0 ? db_failed(e) : 0;
}

/* ---- sending ---- */

/* The acting user as an administrator of their company, trusted: the
 * queue rows are the server's, written whatever the profiles say of their
 * read-only fields (the sender's right to send was checked). */
static entity_ctx as_server(entity_ctx *c, auth_user *admin)
{
    *admin = *c->user;
    admin->is_admin = 1;
    entity_ctx sc = *c;
    sc.user = admin;
    sc.trusted = 1;
    return sc;
}

static int recipients_named(entity_ctx *c, const char *key, json_t *list, json_t *ids, err *e)
{
    if (!json_is_array(list) || !json_array_size(list)) {
        err_add_field(e, key, "required");
        return err_set(e, 422, "validation_failed", "请选择收件人", "Choose the recipients");
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            err_add_field(e, arena_printf(c->a, "%s[%zu]", key, i), "invalid_type");
            return err_set(e, 422, "validation_failed", "收件人编号有误", "A recipient id is invalid");
        }
        json_array_append(ids, v);
    }
    return 0;
}

/* The records of `entity` a list with this filter (`key` of the body,
 * absent or null for none) and quick search `q` shows the sender: the "all
 * matching" of a list view. */
static int list_matches(entity_ctx *c, const char *entity, json_t *body, const char *key, int64_t **found, int *n,
                        err *e)
{
    json_t *filter = json_object_get(body, key), *q = json_object_get(body, "q");
    if (json_is_null(filter)) filter = NULL; /* null: the whole list */
    char *text = json_is_object(filter) ? json_dumps(filter, JSON_COMPACT) : NULL;
    if ((filter && !text) || (q && !json_is_string(q))) {
        err_add_field(e, filter && !text ? key : "q", "invalid_type");
        return err_set(e, 422, "validation_failed", "筛选条件有误", "The filter is invalid");
    }
    list_params p = {.filter = text ? arena_printf(c->a, "%s", text) : NULL, .q = q ? json_string_value(q) : NULL};
    free(text);
    return entity_list_ids(c, meta_entity(c->m, entity), &p, MAIL_SEND_MAX, found, n, e);
}

static int filter_recipients(entity_ctx *c, json_t *body, json_t *ids, err *e)
{
    int64_t *found = NULL;
    int n = 0;
    if (list_matches(c, "contacts", body, "filter", &found, &n, e)) return -1;
    for (int i = 0; i < n; i++) json_array_append_new(ids, json_integer(found[i]));
    return 0;
}

/* The leads of a leads list (lead_filter and q) the sender sees. */
static int lead_recipients(entity_ctx *c, json_t *body, json_t *ids, err *e)
{
    int64_t *found = NULL;
    int n = 0;
    if (list_matches(c, "leads", body, "lead_filter", &found, &n, e)) return -1;
    for (int i = 0; i < n; i++) json_array_append_new(ids, json_integer(found[i]));
    return 0;
}

/* The contacts (those the sender sees) of accounts: named in
 * account_ids, or every account of a list (account_filter and q). An
 * account named that the sender cannot see is 422. */
static int account_recipients(entity_ctx *c, json_t *body, json_t *ids, err *e)
{
    json_t *named = json_object_get(body, "account_ids"), *accounts = json_array();
    int rc = 0;
    if (named) {
        if (!json_is_array(named) || !json_array_size(named)) {
            err_add_field(e, "account_ids", "required");
            rc = err_set(e, 422, "validation_failed", "请选择客户", "Choose the accounts");
        }
        size_t i;
        json_t *v;
        json_array_foreach(named, i, v) {
            if (rc) break;
            strbuf scratch = STRBUF_INIT;
            if (!json_is_integer(v) || entity_get(c, meta_entity(c->m, "accounts"), json_integer_value(v), 0, &scratch, e)) {
                err_clear(e);
                err_add_field(e, arena_printf(c->a, "account_ids[%zu]", i), "not_found");
                rc = err_set(e, 422, "validation_failed", "客户不存在或无权访问", "An account does not exist or is not yours to see");
            }
            sb_free(&scratch);
            json_array_append(accounts, v);
        }
    } else {
        int64_t *found = NULL;
        int n = 0;
        rc = list_matches(c, "accounts", body, "account_filter", &found, &n, e);
        for (int i = 0; !rc && i < n; i++) json_array_append_new(accounts, json_integer(found[i]));
    }
    if (!rc && json_array_size(accounts)) {
        json_t *f = json_pack("{s:s,s:s,s:O}", "field", "account_id", "op", "in", "value", accounts);
        char *text = json_dumps(f, JSON_COMPACT);
        json_decref(f);
        list_params p = {.filter = arena_printf(c->a, "%s", text ? text : "{}")};
        free(text);
        int64_t *found = NULL;
        int n = 0;
        rc = entity_list_ids(c, meta_entity(c->m, "contacts"), &p, MAIL_SEND_MAX, &found, &n, e);
        for (int i = 0; !rc && i < n; i++) json_array_append_new(ids, json_integer(found[i]));
    }
    json_decref(accounts);
    return rc;
}

/* 拒收邮件 / 拒收电话短信 of a contact or lead the sender sees (checked by
 * the merge): the flag as stored, whatever the field access shows them. */
static int refuses_channel(entity_ctx *c, recipient_kind kind, int64_t id, const char *channel, err *e)
{
    if (strcmp(channel, "letter") == 0) return 0;
    const char *sql = kind == TO_LEAD ? (strcmp(channel, "email") == 0
                                             ? "SELECT do_not_email FROM leads WHERE id = ? AND company_id = ?"
                                             : "SELECT do_not_call FROM leads WHERE id = ? AND company_id = ?")
                      : strcmp(channel, "email") == 0 ? "SELECT do_not_email FROM contacts WHERE id = ? AND company_id = ?"
                                                      : "SELECT do_not_call FROM contacts WHERE id = ? AND company_id = ?";
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    db_bind_int64(s, 2, c->user->company_id);
    int step = db_step(s);
    int refuses = step == DB_ROW && !db_column_is_null(s, 0) && db_column_int64(s, 0) != 0;
    db_finalize(s);
    return step < 0 ? db_failed(e) : refuses;
}

typedef struct tally {
    int queued, unsubscribed, failed, skipped;
} tally;

/* One recipient's row: rendered now (merge fields read as the sender),
 * so the worker only delivers. A contact that refuses the channel, has no
 * address, or whose merge fields reach what the sender may not read gets
 * its row all the same, 已退订 or 失败 with the reason: the per-recipient
 * status tells. */
static int queue_one(entity_ctx *c, entity_ctx *sc, const tmpl *t, recipient_kind kind, int64_t contact,
                     int64_t campaign, const char *batch, const char *public_url, int named, tally *n, err *e)
{
    merge_data d;
    if (merge_load(c, kind, contact, t->uses, &d, e)) {
        if (e->status != 404 || named) {
            if (e->status == 404) {
                err_clear(e);
                err_add_field(e, kind == TO_LEAD ? "lead_ids" : "contact_ids", "not_found");
                if (kind == TO_LEAD)
                    err_set(e, 422, "validation_failed", "线索不存在或无权访问", "A lead does not exist or is not yours to see");
                else
                    err_set(e, 422, "validation_failed", "联系人不存在或无权访问", "A contact does not exist or is not yours to see");
            }
            return merge_data_free(&d), -1;
        }
        err_clear(e); /* a campaign member the sender may not see is left out */
        n->skipped++;
        return merge_data_free(&d), 0;
    }
    char token[TOKEN_TEXT_SIZE];
    if (token_random(token)) return merge_data_free(&d), err_set(e, 500, "random_failed", "无法生成链接", "Cannot make a link");
    message m = {0};
    err why;
    err_clear(&why);
    const char *status = "pending", *reason = NULL;
    const char *to = address_of(t, &d);
    int refuses = refuses_channel(c, kind, contact, t->channel, e);
    if (refuses < 0) return merge_data_free(&d), -1;
    if (render_message(c, &d, t->channel, t->subject, t->body, strcmp(t->channel, "email") == 0 ? token : NULL,
                       public_url, &m, &why)) {
        if (why.status >= 500) return merge_data_free(&d), *e = why, -1;
        status = "failed", reason = why.zh;
    } else if (strcmp(t->channel, "letter") != 0 && refuses) {
        status = "unsubscribed", reason = kind == TO_LEAD ? (strcmp(t->channel, "email") == 0 ? "线索已拒收邮件" : "线索已拒收电话短信")
                                     : strcmp(t->channel, "email") == 0 ? "联系人已拒收邮件" : "联系人已拒收电话短信";
    } else if (strcmp(t->channel, "letter") != 0 && !to[0]) {
        status = "failed", reason = kind == TO_LEAD ? (strcmp(t->channel, "email") == 0 ? "线索没有电子邮件地址" : "线索没有手机号码")
                                 : strcmp(t->channel, "email") == 0 ? "联系人没有电子邮件地址" : "联系人没有手机号码";
    } else if (strcmp(t->channel, "letter") == 0) {
        status = "sent"; /* a letter is printed and posted by hand: its merged text is the record */
    }
    char now[ISO_TIME_LEN];
    iso_now(now);
    json_t *b = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "channel", t->channel, "subject",
                          m.subject ? m.subject : "", kind == TO_LEAD ? "lead_id" : "contact_id", (json_int_t)contact,
                          "batch", batch, "to_address", to,
                          "body", m.text ? m.text : "", "status", status, "next_attempt_at", now);
    json_t *acc = json_object_get(d.rec[SRC_CONTACT], "account_id");
    if (json_is_integer(acc)) json_object_set(b, "account_id", acc);
    if (t->id) json_object_set_new(b, "template_id", json_integer(t->id));
    if (campaign) json_object_set_new(b, "campaign_id", json_integer(campaign));
    if (reason) json_object_set_new(b, "last_error", json_string(reason));
    if (!strcmp(status, "sent")) json_object_set_new(b, "sent_at", json_string(now));
    if (m.html && !reason) {
        json_object_set_new(b, "html", json_string(m.html));
        json_object_set_new(b, "links", json_string(m.links));
    }
    json_object_set_new(b, "token", json_string(token));
    int64_t id = 0;
    int rc = entity_create(sc, meta_entity(c->m, "comm_messages"), b, &id, e);
    json_decref(b);
    merge_data_free(&d);
    if (!rc) {
        if (!strcmp(status, "pending") || !strcmp(status, "sent")) n->queued++;
        else if (!strcmp(status, "unsubscribed")) n->unsubscribed++;
        else n->failed++;
    }
    return rc;
}

int mail_send(entity_ctx *c, json_t *body, strbuf *out, err *e)
{
    if (!acl_can(c->user, meta_entity(c->m, "comm_messages"), ACL_CREATE))
        return err_set(e, 403, "forbidden", "没有发送通讯的权限", "No permission to send messages");
    const char *key;
    json_t *v;
    int ways = 0;
    json_object_foreach(body, key, v) {
        int way = !strcmp(key, "contact_ids") || !strcmp(key, "campaign_id") || !strcmp(key, "filter") ||
                  !strcmp(key, "account_ids") || !strcmp(key, "account_filter") || !strcmp(key, "lead_ids") ||
                  !strcmp(key, "lead_filter");
        ways += way;
        if (!way && strcmp(key, "template_id") != 0 && strcmp(key, "q") != 0) err_add_field(e, key, "unknown");
    }
    /* q (a list's search box) goes with a list's filter only */
    int listed = json_object_get(body, "filter") || json_object_get(body, "account_filter") || json_object_get(body, "lead_filter");
    if (json_object_get(body, "q") && !listed && ways == 1) err_add_field(e, "q", "unknown");
    if (!ways && json_object_get(body, "q")) ways = 1; /* a whole contacts list searched by q */
    if (e->nfields || ways != 1)
        return err_set(e, 422, "validation_failed",
                       "请给出模板和 contact_ids、campaign_id、filter、account_ids、account_filter、lead_ids 或 lead_filter 之一",
                       "Give template_id and one of contact_ids, campaign_id, filter, account_ids, account_filter, lead_ids or lead_filter");
    recipient_kind kind = json_object_get(body, "lead_ids") || json_object_get(body, "lead_filter") ? TO_LEAD : TO_CONTACT;
    tmpl t;
    if (template_of(c, body, 0, &t, e) || merge_fits(&t, kind, e)) return -1;
    const char *public_url = "";
    if (public_url_of(c, &public_url, e)) return -1;
    if (!strcmp(t.channel, "email") && !public_url[0])
        return err_set(e, 422, "mail_not_configured", "请管理员先在邮件设置中填写系统访问地址（退订和跟踪链接要用）",
                       "An administrator must first set the public address (for unsubscribe and tracking links)");
    json_t *ids = json_array();
    int64_t campaign = json_integer_value(json_object_get(body, "campaign_id"));
    int named = json_object_get(body, "contact_ids") || json_object_get(body, "lead_ids");
    int by_account = json_object_get(body, "account_ids") || json_object_get(body, "account_filter");
    int rc = named        ? recipients_named(c, kind == TO_LEAD ? "lead_ids" : "contact_ids",
                                             json_object_get(body, kind == TO_LEAD ? "lead_ids" : "contact_ids"), ids, e)
             : kind == TO_LEAD ? lead_recipients(c, body, ids, e)
             : campaign   ? marketing_campaign_contacts(c, json_object_get(body, "campaign_id"), MAIL_SEND_MAX, ids, e)
             : by_account ? account_recipients(c, body, ids, e)
             : json_object_get(body, "filter") || json_object_get(body, "q")
                 ? filter_recipients(c, body, ids, e)
                 : marketing_campaign_contacts(c, json_object_get(body, "campaign_id"), MAIL_SEND_MAX, ids, e);
    if (!rc && json_array_size(ids) > MAIL_SEND_MAX)
        rc = err_setf(e, 422, "too_many", "一次最多发送 %d 人", "At most %d recipients at once", MAIL_SEND_MAX);
    char now[ISO_TIME_LEN], token[TOKEN_TEXT_SIZE];
    iso_now(now);
    if (!rc && token_random(token)) rc = err_set(e, 500, "random_failed", "无法生成批次号", "Cannot make a batch number");
    /* 2026-12-03T13:45:10Z -> M20261203134510-xxxxxx */
    const char *batch = rc ? "" : arena_printf(c->a, "M%.4s%.2s%.2s%.2s%.2s%.2s-%.6s", now, now + 5, now + 8, now + 11,
                                               now + 14, now + 17, token);
    auth_user admin;
    entity_ctx sc = as_server(c, &admin);
    tally n = {0};
    if (!rc && !(rc = db_begin(c->db, e))) {
        size_t i;
        json_array_foreach(ids, i, v) {
            if ((rc = queue_one(c, &sc, &t, kind, json_integer_value(v), campaign, batch, public_url, named, &n, e))) break;
        }
        if (!rc) rc = db_commit(c->db, e);
        else db_rollback(c->db);
    }
    json_decref(ids);
    if (rc) return -1;
    sb_append(out, "{\"batch\":");
    sb_json_string(out, batch);
    sb_printf(out, ",\"queued\":%d,\"unsubscribed\":%d,\"failed\":%d,\"skipped\":%d}", n.queued, n.unsubscribed,
              n.failed, n.skipped);
    return 0;
}

int mail_batch(entity_ctx *c, const char *batch, strbuf *out, err *e)
{
    static const char *const STATES[] = {"pending", "sending", "sent", "failed", "unsubscribed"};
    const entity_def *ent = meta_entity(c->m, "comm_messages");
    strbuf f = STRBUF_INIT;
    sb_append(&f, "{\"field\":\"batch\",\"op\":\"eq\",\"value\":");
    sb_json_string(&f, batch ? batch : "");
    sb_putc(&f, '}');
    const char *by_batch = arena_printf(c->a, "%s", sb_str(&f));
    sb_free(&f);
    int64_t total = 0, count = 0;
    if (entity_count(c, ent, by_batch, &total, e)) return -1;
    if (!total) return err_set(e, 404, "not_found", "发送批次不存在", "No such batch");
    sb_append(out, "{\"batch\":");
    sb_json_string(out, batch);
    sb_printf(out, ",\"total\":%lld", (long long)total);
    for (size_t i = 0; i < sizeof STATES / sizeof *STATES; i++) {
        const char *fl = arena_printf(c->a, "{\"and\":[%s,{\"field\":\"status\",\"op\":\"eq\",\"value\":\"%s\"}]}",
                                      by_batch, STATES[i]);
        if (entity_count(c, ent, fl, &count, e)) return -1;
        sb_printf(out, ",\"%s\":%lld", STATES[i], (long long)count);
    }
    static const char *const STAMPS[] = {"opened_at", "clicked_at"};
    static const char *const NAMES[] = {"opened", "clicked"};
    for (int i = 0; i < 2; i++) {
        const char *fl = arena_printf(c->a, "{\"and\":[%s,{\"field\":\"%s\",\"op\":\"notnull\"}]}", by_batch, STAMPS[i]);
        if (entity_count(c, ent, fl, &count, e)) return -1;
        sb_printf(out, ",\"%s\":%lld", NAMES[i], (long long)count);
    }
    sb_putc(out, '}');
    return 0;
}

/* ---- the links of a message ---- */

typedef struct link_row {
    int64_t id, company, contact, lead, owner; /* contact or lead: the recipient */
    const char *links, *contact_name;
    int opted_out;
} link_row;

static int find_link(db_conn *db, arena *a, const char *token, link_row *l, err *e)
{
    db_stmt *s = db_prepare(db,
                            "SELECT m.id, m.company_id, m.contact_id, m.owner_id, m.links, COALESCE(c.name, l.name),"
                            " COALESCE(c.do_not_email, l.do_not_email), m.lead_id"
                            " FROM comm_messages m LEFT JOIN contacts c ON c.id = m.contact_id"
                            " LEFT JOIN leads l ON l.id = m.lead_id WHERE m.token = ? AND m.deleted_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, token ? token : "");
    int step = db_step(s);
    if (step == DB_ROW) {
        l->id = db_column_int64(s, 0);
        l->company = db_column_int64(s, 1);
        l->contact = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
        l->lead = db_column_is_null(s, 7) ? 0 : db_column_int64(s, 7);
        l->owner = db_column_is_null(s, 3) ? 0 : db_column_int64(s, 3);
        l->links = arena_printf(a, "%s", db_column_is_null(s, 4) ? "[]" : db_column_text(s, 4));
        l->contact_name = arena_printf(a, "%s", db_column_is_null(s, 5) ? "" : db_column_text(s, 5));
        l->opted_out = !db_column_is_null(s, 6) && db_column_int64(s, 6) != 0;
    }
    db_finalize(s);
    if (step < 0) return db_failed(e);
    return step == DB_ROW ? 0 : err_set(e, 404, "not_found", "链接无效", "This link does not exist");
}

int mail_link_info(db_conn *db, arena *a, const char *token, strbuf *out, err *e)
{
    link_row l;
    if (find_link(db, a, token, &l, e)) return -1;
    /* the surname only: the link may be forwarded */
    const char *name = l.contact_name;
    size_t first = name[0] ? (size_t)(((unsigned char)name[0] >= 0xe0) ? 3 : 1) : 0;
    sb_append(out, "{\"contact_name\":");
    sb_json_string(out, arena_printf(a, "%.*s**", (int)first, name));
    sb_printf(out, ",\"unsubscribed\":%s}", l.opted_out ? "true" : "false");
    return 0;
}

int mail_link_unsubscribe(db_conn *db, arena *a, const char *token, strbuf *out, err *e)
{
    link_row l;
    if (find_link(db, a, token, &l, e)) return -1;
    auth_user u;
    int64_t admin = 0;
    if (!l.owner || user_load(db, l.owner, a, &u, e) || u.company_id != l.company) {
        err_clear(e);
        const char *company = arena_printf(a, "%lld", (long long)l.company);
        const char *params[] = {company};
        if (db_query_int64(db, "SELECT MIN(id) FROM users WHERE is_admin = 1 AND company_id = ?", &admin, e, 1, params) < 0)
            return -1;
        if (!admin || user_load(db, admin, a, &u, e)) return err_set(e, 410, "expired", "链接已失效", "This link has expired");
    }
    u.is_admin = 1; /* the recipient's own wish: written whatever the sender's profile says of contacts */
    entity_ctx c = {.db = db, .a = a, .m = meta_for_company(db, l.company), .user = &u, .lang = "zh", .trusted = 1};
    char now[ISO_TIME_LEN];
    iso_now(now);
    int rc = db_begin(db, e);
    if (!rc && !l.opted_out) {
        json_t *b = json_pack("{s:b,s:s}", "do_not_email", 1, "email_opt_out_at", now);
        rc = entity_update(&c, meta_entity(c.m, l.lead ? "leads" : "contacts"), l.lead ? l.lead : l.contact, b, 0, e);
        json_decref(b);
    }
    if (!rc) {
        db_stmt *s = db_prepare(db,
                                l.lead ? "UPDATE comm_messages SET status = 'unsubscribed', last_error = '线索已退订',"
                                         " version = version + 1 WHERE company_id = ? AND lead_id = ? AND channel = 'email'"
                                         " AND status = 'pending' AND deleted_at IS NULL"
                                       : "UPDATE comm_messages SET status = 'unsubscribed', last_error = '联系人已退订',"
                                         " version = version + 1 WHERE company_id = ? AND contact_id = ? AND channel = 'email'"
                                         " AND status = 'pending' AND deleted_at IS NULL",
                                e);
        if (!s) rc = -1;
        else {
            db_bind_int64(s, 1, l.company);
            db_bind_int64(s, 2, l.lead ? l.lead : l.contact);
            if (db_step(s) < 0) rc = db_failed(e);
            db_finalize(s);
        }
    }
    if (!rc) rc = entity_totals_changed(db, meta_entity(c.m, "comm_messages"), e);
    if (!rc) rc = db_commit(db, e);
    if (rc) return db_rollback(db), -1;
    sb_append(out, "{\"unsubscribed\":true}");
    return 0;
}

void mail_link_opened(db_conn *db, const char *token)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db,
                            "UPDATE comm_messages SET opened_at = ?, version = version + 1"
                            " WHERE token = ? AND opened_at IS NULL AND deleted_at IS NULL",
                            &e);
    if (!s) return;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, token ? token : "");
    db_step(s);
    db_finalize(s);
}

int mail_link_click(db_conn *db, arena *a, const char *token, const char *n, const char **url, err *e)
{
    link_row l;
    if (find_link(db, a, token, &l, e)) return -1;
    char *end = NULL;
    long i = n && *n ? strtol(n, &end, 10) : -1;
    json_t *links = json_loads(l.links, 0, NULL);
    json_t *chosen = end && !*end && i >= 0 ? json_array_get(links, (size_t)i) : NULL;
    *url = json_is_string(chosen) ? arena_printf(a, "%s", json_string_value(chosen)) : NULL;
    json_decref(links);
    if (!*url) return err_set(e, 404, "not_found", "链接不在这封邮件中", "No such link in this email");
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(db,
                            "UPDATE comm_messages SET click_count = click_count + 1, clicked_at = COALESCE(clicked_at, ?),"
                            " opened_at = COALESCE(opened_at, ?), version = version + 1 WHERE id = ?",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, now);
    db_bind_int64(s, 3, l.id);
    int step = db_step(s);
    db_finalize(s);
    return step < 0 ? db_failed(e) : 0;
}

void mail_init(void)
{
    entity_before("comm_templates", ON_WRITE, template_checked);
}
