/* entity_vcard.c - people as vCards (RFC 2426, vCard 3.0, the version phones
 * and mail programs in China import most reliably): the export of a list of
 * an entity marked "vcard" in metadata (contacts), for the address book
 * (通讯录). Properties come from conventionally named fields when they exist
 * and the user may see them: name, account (ORG), department, title, mobile,
 * phone, email, address, birthday, description. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/contentline.h"
#include "entity_select.h"
#include "value.h"

/* Two-character family names (复姓); any other Chinese name's family name is
 * its first character. */
static const char *const COMPOUND_SURNAMES[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "令狐", "澹台", "端木", "独孤", "南宫", "西门", "轩辕", NULL,
};

static size_t utf8_char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* N:family;given;;; - Chinese names split after the family name, Latin
 * names at the last space. */
static void name_property(strbuf *out, const char *name)
{
    strbuf line = STRBUF_INIT;
    const char *space = strrchr(name, ' ');
    size_t family = 0;
    if (space) {
        sb_append(&line, "N:");
        contentline_escape(&line, space + 1);
        sb_putc(&line, ';');
        char *given = strndup(name, (size_t)(space - name));
        contentline_escape(&line, given);
        free(given);
    } else {
        for (int i = 0; COMPOUND_SURNAMES[i]; i++)
            if (strncmp(name, COMPOUND_SURNAMES[i], strlen(COMPOUND_SURNAMES[i])) == 0 &&
                strlen(name) > strlen(COMPOUND_SURNAMES[i]))
                family = strlen(COMPOUND_SURNAMES[i]);
        if (!family && (unsigned char)name[0] >= 0x80) family = utf8_char_len((unsigned char)name[0]);
        if (family >= strlen(name)) family = 0;
        char *fam = strndup(name, family);
        sb_append(&line, "N:");
        contentline_escape(&line, family ? fam : name);
        sb_putc(&line, ';');
        if (family) contentline_escape(&line, name + family);
        free(fam);
    }
    sb_append(&line, ";;;");
    contentline_fold(out, &line);
    sb_free(&line);
}

/* The text of column `name` in the current row, or NULL. */
static const char *cell(const select_plan *plan, db_stmt *s, const char *name, arena *a)
{
    int col = 0;
    for (int i = 0; i < plan->nfields; i++) {
        const field_def *f = plan->fields[i];
        int companion = f->type == FT_LINK || f->type == FT_USER;
        if (strcmp(f->name, name) == 0) return db_column_is_null(s, col) ? NULL : arena_strdup(a, db_column_text(s, col));
        if (companion && f->companion && strcmp(f->companion, name) == 0)
            return db_column_is_null(s, col + 1) ? NULL : arena_strdup(a, db_column_text(s, col + 1));
        col += companion ? 2 : 1;
    }
    return NULL;
}

static void vcard_row(entity_ctx *c, const entity_def *ent, const select_plan *plan, db_stmt *s, strbuf *out)
{
    const char *name = cell(plan, s, ent->name_field ? ent->name_field : "name", c->a);
    const char *id = cell(plan, s, "id", c->a);
    sb_append(out, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
    contentline_property(out, "FN", name ? name : "");
    name_property(out, name ? name : "");
    const char *org = cell(plan, s, "account_name", c->a), *dept = cell(plan, s, "department", c->a);
    if (org) {
        strbuf line = STRBUF_INIT;
        sb_append(&line, "ORG:");
        contentline_escape(&line, org);
        if (dept) sb_putc(&line, ';'), contentline_escape(&line, dept);
        contentline_fold(out, &line);
        sb_free(&line);
    }
    contentline_property(out, "TITLE", cell(plan, s, "title", c->a));
    contentline_property(out, "TEL;TYPE=CELL", cell(plan, s, "mobile", c->a));
    contentline_property(out, "TEL;TYPE=WORK,VOICE", cell(plan, s, "phone", c->a));
    contentline_property(out, "EMAIL;TYPE=INTERNET", cell(plan, s, "email", c->a));
    const char *adr = cell(plan, s, "address", c->a);
    if (adr) {
        strbuf line = STRBUF_INIT;
        sb_append(&line, "ADR;TYPE=WORK:;;");
        contentline_escape(&line, adr);
        sb_append(&line, ";;;;");
        contentline_fold(out, &line);
        sb_free(&line);
    }
    contentline_property(out, "BDAY", cell(plan, s, "birthday", c->a));
    contentline_property(out, "NOTE", cell(plan, s, "description", c->a));
    if (id) sb_printf(out, "UID:kehu-%s-%s\r\n", ent->name, id); /* stable: re-imports update */
    sb_append(out, "END:VCARD\r\n");
}

int entity_export_vcard(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out, err *e)
{
    if (!ent->vcard)
        return err_setf(e, 400, "bad_param", "「%s」不能导出为名片%.0s", "%.0s%s cannot be exported as vCards",
                        ent->label_zh, ent->label_en);
    if (!acl_can(c->user, ent, ACL_EXPORT))
        return err_setf(e, 403, "forbidden", "没有导出「%s」的权限%.0s", "%.0sNo permission to export %s",
                        ent->label_zh, ent->label_en);
    query w, order;
    query_init(&w, c->a);
    query_init(&order, c->a);
    strbuf ids = STRBUF_INIT, sql = STRBUF_INIT;
    select_plan plan;
    select_plan_build(c, ent, &plan);
    int rc = -1;
    if (entity_page_sql(c, ent, p, &w, &order, &ids, e) == 0) {
        sb_printf(&sql, "SELECT %s FROM %s t%s WHERE %s %s LIMIT %d", sb_str(&plan.columns), ent->table,
                  sb_str(&plan.joins), sb_str(&w.sql), sb_str(&order.sql), EXPORT_MAX_ROWS);
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        if (s) {
            query_bind_all(&w, s);
            int step;
            while ((step = db_step(s)) == DB_ROW) vcard_row(c, ent, &plan, s, out);
            db_finalize(s);
            rc = step < 0 ? err_set(e, 500, "db_error", "读取数据失败", "Reading failed") : 0;
        }
    }
    select_plan_free(&plan);
    sb_free(&ids);
    sb_free(&sql);
    query_free(&w);
    query_free(&order);
    return rc;
}
