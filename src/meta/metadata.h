/* metadata.h - what an entity is: its fields, their types and rules, its
 * layouts and relations. Loaded from metadata/entities/ (one JSON file per entity) (compiled into
 * the binary) plus the custom fields and picklist options kept in the
 * database. Everything in the engine - validation, SQL, OpenAPI, the UI's
 * forms - is driven from these structs, so adding an entity is adding a
 * JSON file.
 *
 * A loaded `metadata` is immutable and shared by all threads; a change
 * (custom field, picklist edit) builds a new one and swaps it in (see
 * meta_current), the old one stays valid for requests still using it. */
#ifndef KEHU_METADATA_H
#define KEHU_METADATA_H

#include <stdint.h>

typedef enum field_type {
    FT_TEXT = 1,
    FT_LONGTEXT,
    FT_INTEGER,
    FT_DECIMAL, /* exact, `scale` fraction digits, stored as scaled integer */
    FT_MONEY,   /* exact, 2 fraction digits (分), stored as integer */
    FT_PERCENT, /* exact, 2 fraction digits, stored as integer (12.50% -> 1250) */
    FT_DATE,    /* "YYYY-MM-DD", stored as text */
    FT_DATETIME, /* "YYYY-MM-DDTHH:MM:SSZ" (UTC), stored as text */
    FT_BOOLEAN, /* stored 0/1 */
    FT_PICKLIST, /* one option value, stored as text */
    FT_MULTIPICKLIST, /* several option values, stored as ",a,b," so contains is LIKE */
    FT_EMAIL,
    FT_PHONE,
    FT_URL,
    FT_LINK, /* id of a record of `link_entity`; output adds `<companion>` name */
    FT_USER, /* id of a user (owner_id, ...); output adds the user's name */
    FT_AUTONUMBER, /* server-assigned code such as KH-000123 */
    FT_ID,   /* system integer columns: id, version */
    FT_JSON, /* a JSON object or array kept as compact text (profile permissions);
              * shape checked by the entity's write hook; not filterable */
    FT_IMAGE, /* a picture of the record (产品图片): the id of one of its own
               * attachments whose bytes are PNG, JPEG, GIF or WebP (attachments.h) */
} field_type;
#define FT_LAST FT_IMAGE

typedef struct picklist_option {
    const char *value; /* stored code, e.g. "customer" */
    const char *label_zh;
    const char *label_en;
    int active; /* inactive options stay readable on old records but cannot be chosen */
    int probability; /* sales stages: default success rate in percent; -1 when none */
} picklist_option;

typedef struct field_def {
    const char *name;   /* API name */
    const char *column; /* column name; NULL: the name (see meta_column) */
    field_type type;
    const char *label_zh;
    const char *label_en;
    const char *hint_zh, *hint_en; /* a line under the input saying how to fill it; NULL: none */
    int required;
    int unique;     /* among records not in the recycle bin */
    int max_length; /* characters (not bytes) for text-like types; 0 = type default */
    int scale;      /* fraction digits for decimal/money/percent */
    const char *default_value; /* JSON text of the default, or NULL */
    const char *link_entity;   /* FT_LINK: target entity name; FT_USER: "users" */
    const char *companion;     /* FT_LINK/FT_USER: output name of the display field */
    const char *autonumber_prefix; /* FT_AUTONUMBER: "KH-" */
    int autonumber_digits;
    const char *group; /* detail layout group key */
    int system;   /* server-owned: id, version, created_*, updated_*, owner_id... */
    int readonly; /* clients cannot write it (system fields, autonumber) */
    int custom;   /* added at run time by an admin (column cf_...) */
    int searchable; /* part of the `q` quick search */
    int indexed;    /* filtered often: gets an index (picklists always do) */
    const char *sort_column; /* column to ORDER BY (e.g. a pinyin key); NULL: `name` */
    picklist_option *options;
    int noptions;
    /* Picklist values only the server sets (a lead's 已转换, set by
     * converting): shown on records, never chosen by a client. */
    const char **server_values;
    int nserver_values;
    /* Computed fields (entity_computed.h): the expression text from
     * metadata, and its tree once checked; NULL for ordinary fields. */
    const char *computed;
    struct expr_node *computed_expr;
    /* FT_LINK: what picking a record copies into the form, as JSON text
     * {"this_field": "field_of_the_linked_record"} (a product's unit and
     * price into a quote line); a form rule, served in metadata. */
    const char *fill;
    /* "options_from": "accounts.industry": a picklist that shares another
     * field's option set (a lead's 所属行业 is the customer's), so the two
     * never drift apart; NULL: the field's own options. */
    const char *options_entity, *options_field;
    /* FT_LINK: which records of link_entity it may point at, as list filter
     * JSON text (an opportunity's competitor is an account of type
     * 竞争对手); checked on write, served so pickers offer only those. */
    const char *link_filter;
    /* "json_view" of a json field: how a page shows it to read, JSON text
     * served in metadata (docs/engine.md "JSON fields"): {"columns":
     * [{"key": "check.what", "label": {...}, "as": "entity"}]} for a list
     * of objects, {"key_label", "value_label", "keys": {key: label}} for an
     * object; NULL: shown as it comes, still as a table or pairs. */
    const char *json_view;
    /* FT_JSON holding a filter (the list API's language) over the entity
     * that the picklist field `filter_of` of the same record names (an
     * approval flow's 触发条件 over its 审批对象): served, so the form edits
     * it as conditions on that entity's fields; NULL: plain JSON. */
    const char *filter_of;
    /* A picklist that is a state machine, and the conditional rules of a
     * field (filter JSON text): see entity_state.h and docs/engine.md. */
    const struct field_states *states;
    const char *required_when, *readonly_when, *visible_when;
    /* "set_from": when field set_from_field changes (and this one is not
     * given in the same write), this field takes the chosen option's
     * property set_from_option ("probability"). */
    const char *set_from_field, *set_from_option;
    /* FT_LINK to an entity that is a tree, or the id of a tree: its table
     * and parent column, for the `under` filter (itself and every record
     * below it); NULL otherwise. Set at load (entity_tree.c). */
    const char *tree_table, *tree_parent_column;
    /* The field's JSON key as a record answers it, `"name":`, and for a
     * link `,"companion":`, written once at load (meta_load.c) so a row is
     * not escaped key by key (issue 14: a third of a detail read's JSON);
     * NULL where a field was made elsewhere: then escaped as before. */
    const char *json_key, *json_companion_key;
} field_def;

typedef struct relation_def {
    const char *name;   /* /related/{name} */
    const char *entity; /* the other entity */
    const char *field;  /* its link field that points at us */
    const char *label_zh;
    const char *label_en;
    /* Owned lines (docs/engine.md): the other entity's records belong to
     * this one, are read and written with it under its rights and version,
     * and are ordered by `position` (an integer field of theirs). */
    int owned;
    const char *position;
} relation_def;

typedef struct layout_group {
    const char *key;
    const char *label_zh;
    const char *label_en;
    /* The company's own order of the group's fields (form_layout.h);
     * NULL: the fields of the group in metadata order. */
    const char **fields;
    int nfields;
} layout_group;

/* A balance of a ledger: sums of `sum` fields per value of the `group_by`
 * fields, kept in its own table (`table`) in the same transaction as every
 * insert, so reading it never scans the ledger (entity_ledger.c). */
typedef struct balance_def {
    const char *name; /* /balances?name= */
    const char *label_zh, *label_en;
    const char *table; /* <entity table>_bal_<name> */
    const char **group_by;
    int ngroup_by;
    const char **sum;
    int nsum;
    int not_negative;               /* "not_negative": an entry may not take a sum below zero */
    const char *negative_setting;   /* "negative_allowed_by": the company_settings key that lifts it */
} balance_def;

/* Read access through a share list (meta_shares.h, docs/engine.md "Sharing records"). */
typedef struct share_def {
    const char *entity;       /* the share list's entity, as declared */
    const char *field;        /* this entity's field holding the header's id */
    const char *table;        /* the share list's table */
    const char *link;         /* its column pointing at the header */
    const char *header_table; /* the header's table */
    const char *down;         /* "down": the header's link to its parent (a tree), so a
                                 share reaches the headers below; NULL: none */
} share_def;

typedef struct entity_def {
    const char *name;  /* API name, plural snake_case: "accounts" */
    const char *table; /* SQL table name (same as name for built-ins) */
    const char *label_zh, *label_en;
    const char *menu_group; /* menu area key, e.g. "customers" */
    const char *icon;
    const char *name_field; /* display field used for link companions */
    field_def *fields;
    int nfields;
    const char **list_columns; /* default list layout */
    int nlist_columns;
    /* "indexes": more list indexes, each the columns after company_id
     * ("queue_id, status, resolution_due"; id is appended), for a list whose
     * filter and order no one-field index serves (entity_schema.c) */
    const char **indexes;
    int nindexes;
    /* "lookup_indexes": indexes that do not start with company_id, for
     * the server's own reads across companies (a public link's token, the
     * mail worker's due rows); the columns, id appended */
    const char **lookup_indexes;
    int nlookup_indexes;
    layout_group *groups; /* detail layout */
    int ngroups;
    relation_def *relations;
    int nrelations;
    int is_system; /* users, roles...: not owned, no recycle bin visibility rules */
    int pool;      /* records without an owner form a public pool (公海) everyone sees */
    int vcard;     /* people (contacts): exported as vCards too */
    int personal;  /* one's own inbox (messages): every user uses it for their own records,
                      whatever the profiles; superiors and sharing do not reach it */
    struct entity_computed *computed; /* its computed fields and who sums its rows; NULL: none */
    /* For the lines of an owned relation: the entity that owns them and
     * that relation. Such an entity is not served on its own. */
    const struct entity_def *owner;
    const char *sharing; /* default sharing mode until an admin sets one ("public_read" for a catalogue) */
    const relation_def *owner_relation;
    struct entity_hooks *hooks; /* the module rules of this entity name (hooks.h) */
    /* An append-only ledger: records are created, never updated, deleted,
     * restored or merged; a correction is a reversing entry that negates
     * the `negate` fields and points at the reversed one through
     * `reverses_field`. */
    int immutable;
    const char **negate;
    int nnegate;
    const char *reverses_field;
    balance_def *balances;
    int nbalances;
    const struct action_def *actions; /* declared actions (entity_action.h) */
    int nactions;
    const struct print_layout *print; /* how its PDF looks (meta_print.h); NULL: not printable */
    const share_def *shares;   /* also read by those its share list names (meta_shares.h); NULL: none */
    /* "tree": "parent_id": records form a tree through this link to the
     * same entity; the engine refuses cycles and filters descendants
     * (entity_tree.c). NULL: not a tree. */
    const char *tree_parent;
} entity_def;

typedef struct metadata {
    entity_def *entities;
    int nentities;
    int64_t version; /* bumps with every custom field / picklist change */
    int64_t company_id; /* whose picklists these are; 0: the platform's set */
} metadata;

const entity_def *meta_entity(const metadata *m, const char *name);
const field_def *meta_field(const entity_def *e, const char *name);
/* The column that stores f: its name, except a company's own custom field,
 * which lives in a slot column shared with other companies' fields
 * (custom_fields.h). SQL names columns only through this. */
static inline const char *meta_column(const field_def *f)
{
    return f->column ? f->column : f->name;
}
/* Its index in e->fields (as in change sets), or -1. */
int meta_field_index(const entity_def *e, const char *name);
const picklist_option *meta_option(const field_def *f, const char *value);
/* The option's label in `lang` ("en", else Chinese); the value itself
 * when the field or the option is unknown (an option since removed). */
const char *meta_option_label(const field_def *f, const char *value, const char *lang);
const char *field_type_name(field_type t); /* "text", "money", ... */
int field_type_from_name(const char *name); /* 0 when unknown */
/* Text-like types whose values are stored as text (for LIKE, max length). */
int field_is_textual(const field_def *f);
/* Types stored as a scaled integer: money, percent, decimal. */
int field_is_scaled(const field_def *f);

#endif
