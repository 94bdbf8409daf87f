/* field_types.c - lookups over loaded metadata and the names of field
 * types as they appear in metadata files and the API. */
#include <string.h>

#include "metadata.h"

static const char *const TYPE_NAMES[] = {
    [FT_TEXT] = "text",         [FT_LONGTEXT] = "longtext",   [FT_INTEGER] = "integer",
    [FT_DECIMAL] = "decimal",   [FT_MONEY] = "money",         [FT_PERCENT] = "percent",
    [FT_DATE] = "date",         [FT_DATETIME] = "datetime",   [FT_BOOLEAN] = "boolean",
    [FT_PICKLIST] = "picklist", [FT_MULTIPICKLIST] = "multipicklist",
    [FT_EMAIL] = "email",       [FT_PHONE] = "phone",         [FT_URL] = "url",
    [FT_LINK] = "link",         [FT_USER] = "user",           [FT_AUTONUMBER] = "autonumber",
    [FT_ID] = "id",             [FT_JSON] = "json",           [FT_IMAGE] = "image",
};

const char *field_type_name(field_type t)
{
    return t > 0 && t <= FT_LAST ? TYPE_NAMES[t] : "unknown";
}

int field_type_from_name(const char *name)
{
    for (int t = FT_TEXT; t <= FT_LAST; t++)
        if (strcmp(TYPE_NAMES[t], name) == 0) return t;
    return 0;
}

const entity_def *meta_entity(const metadata *m, const char *name)
{
    for (int i = 0; m && i < m->nentities; i++)
        if (strcmp(m->entities[i].name, name) == 0) return &m->entities[i];
    return NULL;
}

const field_def *meta_field(const entity_def *e, const char *name)
{
    for (int i = 0; e && i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0) return &e->fields[i];
    return NULL;
}

int meta_field_index(const entity_def *e, const char *name)
{
    const field_def *f = meta_field(e, name);
    return f ? (int)(f - e->fields) : -1;
}

const picklist_option *meta_option(const field_def *f, const char *value)
{
    for (int i = 0; i < f->noptions; i++)
        if (strcmp(f->options[i].value, value) == 0) return &f->options[i];
    return NULL;
}

const char *meta_option_label(const field_def *f, const char *value, const char *lang)
{
    const picklist_option *o = f && value ? meta_option(f, value) : NULL;
    if (!o) return value;
    return lang && strcmp(lang, "en") == 0 ? o->label_en : o->label_zh;
}

int field_is_textual(const field_def *f)
{
    switch (f->type) {
    case FT_TEXT: case FT_LONGTEXT: case FT_PICKLIST: case FT_EMAIL: case FT_PHONE: case FT_URL:
    case FT_AUTONUMBER: return 1;
    default: return 0;
    }
}

int field_is_scaled(const field_def *f)
{
    return f->type == FT_MONEY || f->type == FT_PERCENT || f->type == FT_DECIMAL;
}
