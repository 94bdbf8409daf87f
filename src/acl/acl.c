/* acl.c - see acl.h. The rules are read from the database into one
 * immutable snapshot (every role with its merged rights and the users below
 * it, the default rights, the sharing modes). Requests use the snapshot
 * without locks: each thread keeps a reference to the one it last used and
 * takes the new one when the generation moves on; the last reference frees
 * an old snapshot. */
#include "acl.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../meta/meta_current.h"
#include "../util/arena.h"

const char *const acl_verb_names[ACL_NVERBS] = {"view",   "create", "edit",     "delete",
                                                "import", "export", "view_all", "modify_all"};

/* What a set of profiles allows on one entity. Only fields below write
 * access are listed. */
typedef struct entity_rights {
    const char *entity;
    unsigned verbs; /* bit (1 << acl_verb) */
    int nfields;
    const char **fields;
    unsigned char *access;
} entity_rights;

typedef struct rights {
    entity_rights *ents;
    int nents;
} rights;

typedef struct role_node {
    int64_t id, parent_id;
    const char *profile_ids; /* JSON text */
    rights r;
    int has_children;
    int64_t *subordinates; /* users in the roles below, sorted */
    int nsubordinates;
} role_node;

typedef struct profile_node {
    int64_t id, parent_id, company_id;
    int is_default;
    json_t *permissions, *field_access; /* freed once the snapshot is built */
} profile_node;

typedef struct snapshot {
    atomic_int refs;
    int64_t version;      /* settings.acl_version it was loaded at */
    int64_t meta_version; /* and the metadata's (custom fields have access rules too) */
    arena *a;
    role_node *roles; /* sorted by id */
    int nroles;
    /* Each company's rights for users without a role (its is_default
     * profiles), sorted by company. */
    struct company_rights {
        int64_t company_id;
        rights r;
    } *defaults;
    int ndefaults;
    struct sharing_entry {
        int64_t company_id;
        const char *entity;
        acl_sharing mode;
    } *sharing;
    int nsharing;
} snapshot;

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;
static snapshot *current;
static atomic_llong generation;
static atomic_llong last_check;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static _Thread_local snapshot *mine;
static _Thread_local long long mine_generation = -1;

static void release(snapshot *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) arena_free(s->a);
}

static void thread_done(void *p)
{
    release(p);
}

static void make_key(void)
{
    pthread_key_create(&thread_key, thread_done);
}

/* The snapshot in force for this thread (NULL before the first load: then
 * nobody but administrators may do anything). */
static const snapshot *snap(void)
{
    long long g = atomic_load(&generation);
    if (mine_generation == g) return mine;
    pthread_once(&key_once, make_key);
    pthread_mutex_lock(&swap_lock);
    snapshot *s = current;
    if (s) atomic_fetch_add(&s->refs, 1);
    g = atomic_load(&generation);
    pthread_mutex_unlock(&swap_lock);
    release(mine);
    mine = s;
    mine_generation = g;
    pthread_setspecific(thread_key, s);
    return s;
}

static void publish(snapshot *s)
{
    pthread_mutex_lock(&swap_lock);
    snapshot *old = current;
    current = s;
    atomic_fetch_add(&generation, 1);
    pthread_mutex_unlock(&swap_lock);
    release(old);
}

void acl_shutdown(void)
{
    publish(NULL);
    release(mine);
    mine = NULL;
    mine_generation = -1;
    if (atomic_load(&generation) > 0) pthread_setspecific(thread_key, NULL);
}

/* ---- loading ---- */

static int64_t stored_version(db_conn *c)
{
    int64_t v = 0;
    err e;
    err_clear(&e);
    db_query_int64(c, "SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'acl_version'", &v, &e, 0, NULL);
    return v;
}

unsigned acl_verb_closure(unsigned v)
{
    /* 修改全部 is viewing, editing and deleting every record; 查看全部 viewing. */
    if (v & (1u << ACL_MODIFY_ALL)) v |= 1u << ACL_VIEW_ALL | 1u << ACL_EDIT | 1u << ACL_DELETE;
    if (v & (1u << ACL_VIEW_ALL)) v |= 1u << ACL_VIEW;
    if (v) v |= 1u << ACL_VIEW; /* no right without seeing */
    return v;
}

static unsigned verbs_of(json_t *obj)
{
    unsigned v = 0;
    for (int i = 0; i < ACL_NVERBS; i++)
        if (json_is_true(json_object_get(obj, acl_verb_names[i]))) v |= 1u << i;
    return acl_verb_closure(v);
}

static int access_of(json_t *v)
{
    const char *s = json_string_value(v);
    if (!s) return ACL_WRITE;
    return strcmp(s, "hidden") == 0 ? ACL_HIDDEN : strcmp(s, "read") == 0 ? ACL_READ : ACL_WRITE;
}

/* A profile's rights on one entity: its own entry, else the "*" entry
 * (every business entity, so modules added later are covered too). */
static json_t *profile_entry(json_t *obj, const char *entity)
{
    json_t *v = json_object_get(obj, entity);
    return v ? v : json_object_get(obj, "*");
}

static unsigned profile_verbs(const profile_node *p, const char *entity)
{
    return verbs_of(profile_entry(p->permissions, entity));
}

/* The most open access to `field` among the profiles that may view the
 * entity (verbs_entity: the entity whose rights count, an owned line's
 * document); a profile that does not name the field allows writing. */
static int merged_access(profile_node **pick, int n, const char *verbs_entity, const char *entity, const char *field)
{
    int best = ACL_HIDDEN;
    for (int j = 0; j < n; j++) {
        if (!(profile_verbs(pick[j], verbs_entity) & (1u << ACL_VIEW))) continue;
        int acc = access_of(json_object_get(json_object_get(pick[j]->field_access, entity), field));
        if (acc > best) best = acc;
    }
    return best;
}

/* The fields some profile in pick names for `entity` and whose merged
 * access is less than write. Taken from the profiles, not the metadata:
 * a company's own custom fields are in its metadata only. */
static void restricted_fields(arena *a, profile_node **pick, int n, const char *verbs_entity,
                              const char *entity, entity_rights *er)
{
    size_t cap = 0;
    for (int j = 0; j < n; j++) cap += json_object_size(json_object_get(pick[j]->field_access, entity));
    er->fields = arena_alloc(a, sizeof *er->fields * (cap + 1));
    er->access = arena_alloc(a, cap + 1);
    for (int j = 0; j < n; j++) {
        const char *field;
        json_t *v;
        json_object_foreach(json_object_get(pick[j]->field_access, entity), field, v) {
            int seen = 0;
            for (int k = 0; k < er->nfields && !seen; k++) seen = strcmp(er->fields[k], field) == 0;
            int acc = seen ? ACL_WRITE : merged_access(pick, n, verbs_entity, entity, field);
            if (acc == ACL_WRITE) continue;
            er->fields[er->nfields] = arena_strdup(a, field);
            er->access[er->nfields++] = (unsigned char)acc;
        }
    }
}

/* Union of the rights of the `n` profiles in pick, for every business
 * entity of the metadata. */
static void merge_rights(arena *a, const metadata *m, profile_node **pick, int n, rights *out)
{
    out->ents = arena_alloc(a, sizeof *out->ents * (size_t)(m ? m->nentities + 1 : 1));
    out->nents = 0;
    for (int k = 0; m && k < m->nentities; k++) {
        const entity_def *ent = &m->entities[k];
        if (ent->is_system) continue;
        entity_rights *er = &out->ents[out->nents++];
        er->entity = arena_strdup(a, ent->name);
        /* owned lines: the verbs of their document, their own field access */
        const char *verbs_entity = ent->owner ? ent->owner->name : ent->name;
        for (int i = 0; i < n; i++) er->verbs |= profile_verbs(pick[i], verbs_entity);
        if (!(er->verbs & (1u << ACL_VIEW))) continue;
        restricted_fields(a, pick, n, verbs_entity, ent->name, er);
    }
}

/* ---- profile inheritance ---- */

static profile_node *find_profile(profile_node *all, int n, int64_t id)
{
    for (int i = 0; id && i < n; i++)
        if (all[i].id == id) return &all[i];
    return NULL;
}

/* The verbs of `from` added to `into` (both {verb: true} objects). */
static void add_verbs(json_t *into, json_t *from)
{
    const char *verb;
    json_t *on;
    json_object_foreach(from, verb, on)
        if (json_is_true(on)) json_object_set_new(into, verb, json_true());
}

/* Adds an ancestor's module rights to a profile's: an entity the profile
 * does not name starts from its own "*" entry, so naming a module in the
 * parent never takes away what the child's "*" gave; the ancestor's "*"
 * reaches every module the child names. */
static void inherit_permissions(json_t *own, json_t *ancestor)
{
    const char *ent;
    json_t *verbs;
    json_object_foreach(ancestor, ent, verbs) {
        json_t *entry = json_object_get(own, ent);
        if (!entry) {
            json_t *star = json_object_get(own, "*");
            entry = star ? json_deep_copy(star) : json_object();
            json_object_set_new(own, ent, entry);
        }
        add_verbs(entry, verbs);
    }
    json_t *star = json_object_get(ancestor, "*");
    json_object_foreach(own, ent, verbs)
        if (star && strcmp(ent, "*") != 0) add_verbs(verbs, star);
}

/* An ancestor's field access fills in what the profile does not set. */
static void inherit_field_access(json_t *own, json_t *ancestor)
{
    const char *ent, *field;
    json_t *fields, *level;
    json_object_foreach(ancestor, ent, fields) {
        json_t *entry = json_object_get(own, ent);
        if (!entry) json_object_set_new(own, ent, entry = json_object());
        json_object_foreach(fields, field, level)
            if (!json_object_get(entry, field)) json_object_set(entry, field, level);
    }
}

/* Each profile with its ancestors' rights (nearest first; a cycle, which
 * writes refuse, is cut after n steps). Works on copies, so a parent's
 * inherited rights are not counted twice. */
static void resolve_inheritance(profile_node *all, int n)
{
    json_t **perms = calloc((size_t)n + 1, sizeof *perms), **access = calloc((size_t)n + 1, sizeof *access);
    for (int i = 0; i < n; i++) {
        perms[i] = json_deep_copy(all[i].permissions);
        access[i] = json_deep_copy(all[i].field_access);
        const profile_node *p = find_profile(all, n, all[i].parent_id);
        for (int steps = 0; p && steps < n; steps++, p = find_profile(all, n, p->parent_id)) {
            inherit_permissions(perms[i], p->permissions);
            inherit_field_access(access[i], p->field_access);
        }
    }
    for (int i = 0; i < n; i++) {
        json_decref(all[i].permissions);
        json_decref(all[i].field_access);
        all[i].permissions = perms[i];
        all[i].field_access = access[i];
    }
    free(perms);
    free(access);
}

static int load_profiles(db_conn *c, profile_node **out, int *n, err *e)
{
    db_stmt *s = db_prepare(c, "SELECT id, is_default, permissions, field_access, parent_id, company_id FROM profiles"
                                " WHERE deleted_at IS NULL ORDER BY company_id, id", e);
    if (!s) return -1;
    int cap = 16;
    *out = calloc((size_t)cap, sizeof **out);
    *n = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) *out = realloc(*out, sizeof **out * (size_t)(cap *= 2));
        profile_node *p = &(*out)[(*n)++];
        p->id = db_column_int64(s, 0);
        p->is_default = (int)db_column_int64(s, 1);
        p->parent_id = db_column_is_null(s, 4) ? 0 : db_column_int64(s, 4);
        p->company_id = db_column_int64(s, 5);
        const char *perm = db_column_text(s, 2), *fa = db_column_text(s, 3);
        p->permissions = perm ? json_loads(perm, 0, NULL) : NULL;
        p->field_access = fa ? json_loads(fa, 0, NULL) : NULL;
        if (!json_is_object(p->permissions)) json_decref(p->permissions), p->permissions = json_object();
        if (!json_is_object(p->field_access)) json_decref(p->field_access), p->field_access = json_object();
    }
    db_finalize(s);
    if (rc >= 0) resolve_inheritance(*out, *n);
    return rc < 0 ? err_set(e, 500, "db_error", "读取权限配置失败", "Cannot read profiles") : 0;
}

static int load_roles(db_conn *c, arena *a, snapshot *snap_out, err *e)
{
    db_stmt *s = db_prepare(c, "SELECT id, parent_id, profile_ids FROM roles WHERE deleted_at IS NULL ORDER BY id", e);
    if (!s) return -1;
    int cap = 16, rc;
    role_node *roles = arena_alloc(a, sizeof *roles * (size_t)cap);
    int n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            role_node *bigger = arena_alloc(a, sizeof *roles * (size_t)(cap *= 2));
            memcpy(bigger, roles, sizeof *roles * (size_t)n);
            roles = bigger;
        }
        roles[n].id = db_column_int64(s, 0);
        roles[n].parent_id = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
        const char *ids = db_column_text(s, 2);
        roles[n].profile_ids = ids ? arena_strdup(a, ids) : "[]";
        n++;
    }
    db_finalize(s);
    snap_out->roles = roles;
    snap_out->nroles = n;
    return rc < 0 ? err_set(e, 500, "db_error", "读取角色失败", "Cannot read roles") : 0;
}

/* Roles are loaded in id order: a company per student makes thousands. */
static role_node *find_role(const snapshot *s, int64_t id)
{
    int lo = 0, hi = s ? s->nroles - 1 : -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->roles[mid].id == id) return &s->roles[mid];
        if (s->roles[mid].id < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

/* Is `role` strictly below `above` (following parents, cycles cut)? */
static int role_below(const snapshot *s, int64_t role, int64_t above)
{
    const role_node *r = find_role(s, role);
    for (int steps = 0; r && r->parent_id && steps < s->nroles; steps++) {
        if (r->parent_id == above) return 1;
        r = find_role(s, r->parent_id);
    }
    return 0;
}

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Users of the roles below each role. */
static int load_subordinates(db_conn *c, arena *a, snapshot *sn, err *e)
{
    db_stmt *s = db_prepare(c, "SELECT id, role_id FROM users WHERE deleted_at IS NULL AND role_id IS NOT NULL", e);
    if (!s) return -1;
    int cap = 64, n = 0, rc;
    int64_t(*pairs)[2] = malloc(sizeof *pairs * (size_t)cap);
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) pairs = realloc(pairs, sizeof *pairs * (size_t)(cap *= 2));
        pairs[n][0] = db_column_int64(s, 0);
        pairs[n][1] = db_column_int64(s, 1);
        n++;
    }
    db_finalize(s);
    for (int r = 0; r < sn->nroles; r++) {
        role_node *role = &sn->roles[r];
        for (int k = 0; k < sn->nroles; k++) role->has_children |= sn->roles[k].parent_id == role->id;
        if (!role->has_children) continue;
        role->subordinates = arena_alloc(a, sizeof(int64_t) * (size_t)(n + 1));
        for (int i = 0; i < n; i++)
            if (role_below(sn, pairs[i][1], role->id)) role->subordinates[role->nsubordinates++] = pairs[i][0];
        qsort(role->subordinates, (size_t)role->nsubordinates, sizeof(int64_t), cmp_id);
    }
    free(pairs);
    return rc < 0 ? err_set(e, 500, "db_error", "读取用户角色失败", "Cannot read users' roles") : 0;
}

static int load_sharing(db_conn *c, arena *a, snapshot *sn, err *e)
{
    db_stmt *s = db_prepare(c, "SELECT key, value, company_id FROM company_settings WHERE key LIKE 'sharing.%'", e);
    if (!s) return -1;
    int cap = 8, rc;
    sn->sharing = arena_alloc(a, sizeof *sn->sharing * (size_t)cap);
    while ((rc = db_step(s)) == DB_ROW) {
        int mode = acl_sharing_from_name(db_column_text(s, 1));
        if (mode < 0) continue;
        if (sn->nsharing == cap) {
            struct sharing_entry *bigger = arena_alloc(a, sizeof *bigger * (size_t)(cap *= 2));
            memcpy(bigger, sn->sharing, sizeof *bigger * (size_t)sn->nsharing);
            sn->sharing = bigger;
        }
        sn->sharing[sn->nsharing].company_id = db_column_int64(s, 2);
        sn->sharing[sn->nsharing].entity = arena_strdup(a, db_column_text(s, 0) + strlen("sharing."));
        sn->sharing[sn->nsharing++].mode = (acl_sharing)mode;
    }
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "读取共享设置失败", "Cannot read sharing settings") : 0;
}

/* Each role's rights: the union of its profiles. */
static void build_rights(snapshot *sn, const metadata *m, profile_node *profiles, int nprofiles)
{
    profile_node **pick = malloc(sizeof *pick * (size_t)(nprofiles + 1));
    for (int r = 0; r < sn->nroles; r++) {
        json_t *ids = json_loads(sn->roles[r].profile_ids, 0, NULL);
        int n = 0;
        for (int i = 0; i < nprofiles; i++) {
            size_t k;
            json_t *id;
            json_array_foreach(ids, k, id)
                if (json_is_integer(id) && json_integer_value(id) == profiles[i].id) {
                    pick[n++] = &profiles[i];
                    break;
                }
        }
        json_decref(ids);
        merge_rights(sn->a, m, pick, n, &sn->roles[r].r);
    }
    /* profiles come ordered by company: one run of defaults per company */
    sn->defaults = arena_alloc(sn->a, sizeof *sn->defaults * (size_t)(nprofiles + 1));
    for (int i = 0; i < nprofiles;) {
        int64_t company = profiles[i].company_id;
        int n = 0;
        for (; i < nprofiles && profiles[i].company_id == company; i++)
            if (profiles[i].is_default) pick[n++] = &profiles[i];
        if (!n) continue;
        sn->defaults[sn->ndefaults].company_id = company;
        merge_rights(sn->a, m, pick, n, &sn->defaults[sn->ndefaults++].r);
    }
    free(pick);
}

int acl_reload(db_conn *c, err *e)
{
    arena *a = arena_new();
    snapshot *sn = arena_alloc(a, sizeof *sn);
    sn->a = a;
    atomic_init(&sn->refs, 1);
    sn->version = stored_version(c);
    sn->meta_version = meta_current() ? meta_current()->version : 0;
    profile_node *profiles = NULL;
    int nprofiles = 0;
    int rc = load_profiles(c, &profiles, &nprofiles, e);
    if (!rc) rc = load_roles(c, a, sn, e);
    if (!rc) rc = load_subordinates(c, a, sn, e);
    if (!rc) rc = load_sharing(c, a, sn, e);
    if (!rc) build_rights(sn, meta_current(), profiles, nprofiles);
    for (int i = 0; i < nprofiles; i++) {
        json_decref(profiles[i].permissions);
        json_decref(profiles[i].field_access);
    }
    free(profiles);
    if (rc) {
        arena_free(a);
        return -1;
    }
    atomic_store(&last_check, (long long)time(NULL));
    publish(sn);
    return 0;
}

void acl_refresh_if_stale(db_conn *c)
{
    long long now = (long long)time(NULL), last = atomic_load(&last_check);
    if (now == last || !atomic_compare_exchange_strong(&last_check, &last, now)) return;
    const snapshot *s = snap();
    const metadata *m = meta_current();
    if (s && stored_version(c) == s->version && (!m || m->version == s->meta_version)) return;
    err e;
    err_clear(&e);
    acl_reload(c, &e);
}

void acl_refresh_to(db_conn *c, int64_t version)
{
    if (version < 0) return acl_refresh_if_stale(c);
    const snapshot *s = snap();
    const metadata *m = meta_current();
    if (s && version <= s->version && (!m || m->version == s->meta_version)) return;
    err e;
    err_clear(&e);
    acl_reload(c, &e);
}

int acl_bump_version(db_conn *c, err *e)
{
    db_stmt *s = db_prepare(c,
                            "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                            "WHERE key = 'acl_version'",
                            e);
    if (!s) return -1;
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "更新权限版本失败", "Cannot bump the access rules version") : 0;
}

/* ---- questions ---- */

/* The rights that apply to u (a role's, or the default ones). */
static const rights *rights_of(const snapshot *s, const auth_user *u)
{
    if (!s) return NULL;
    const role_node *r = u->role_id ? find_role(s, u->role_id) : NULL;
    if (r) return &r->r;
    for (int i = 0; i < s->ndefaults; i++)
        if (s->defaults[i].company_id == u->company_id) return &s->defaults[i].r;
    return NULL;
}

static const entity_rights *entity_rights_of(const snapshot *s, const auth_user *u, const entity_def *ent)
{
    const rights *r = rights_of(s, u);
    for (int i = 0; r && i < r->nents; i++)
        if (strcmp(r->ents[i].entity, ent->name) == 0) return &r->ents[i];
    return NULL;
}

int acl_can(const auth_user *u, const entity_def *ent, acl_verb verb)
{
    if (!u) return 0;
    if (u->home_company_id) /* looking into another company: read only, so the forms offer no change */
        return verb == ACL_VIEW || verb == ACL_VIEW_ALL || verb == ACL_EXPORT;
    if (u->is_admin) return 1;
    if (ent->is_system) {
        /* The directory (users, departments, roles) is readable by all, for
         * pickers and the organisation chart, but exported (every email and
         * mobile at once) by administrators only; profiles are theirs too. */
        if (strcmp(ent->name, "profiles") == 0) return 0;
        return verb == ACL_VIEW;
    }
    if (ent->personal) /* the rows are one's own: see owner_predicate */
        return verb != ACL_IMPORT && verb != ACL_VIEW_ALL && verb != ACL_MODIFY_ALL;
    if (ent->owner) return acl_can(u, ent->owner, verb); /* owned lines: the parent's rights */
    const entity_rights *er = entity_rights_of(snap(), u, ent);
    if (!er || !(er->verbs & (1u << ACL_VIEW))) return 0; /* no right without seeing */
    return (er->verbs >> verb) & 1u;
}

static const role_node *role_of(const snapshot *s, const auth_user *u)
{
    return u && u->role_id ? find_role(s, u->role_id) : NULL;
}

int acl_can_assign(const auth_user *u, const entity_def *ent)
{
    if (!u || u->home_company_id) return 0;
    if (u->is_admin) return 1;
    const role_node *r = role_of(snap(), u);
    return r && r->has_children && acl_can(u, ent, ACL_EDIT);
}

static int is_subordinate(const role_node *r, int64_t user_id)
{
    return r && r->nsubordinates &&
           bsearch(&user_id, r->subordinates, (size_t)r->nsubordinates, sizeof(int64_t), cmp_id) != NULL;
}

int acl_can_assign_to(const auth_user *u, const entity_def *ent, int64_t owner_id)
{
    if (!u || u->home_company_id) return 0;
    if (u->is_admin || owner_id == u->id) return 1;
    return acl_can_assign(u, ent) && is_subordinate(role_of(snap(), u), owner_id);
}

acl_sharing acl_entity_sharing(const auth_user *u, const entity_def *ent)
{
    if (ent->personal) return ACL_PRIVATE;
    const snapshot *s = snap();
    for (int i = 0; s && u && i < s->nsharing; i++)
        if (s->sharing[i].company_id == u->company_id && strcmp(s->sharing[i].entity, ent->name) == 0)
            return s->sharing[i].mode;
    int dflt = ent->sharing ? acl_sharing_from_name(ent->sharing) : -1;
    return dflt >= 0 ? (acl_sharing)dflt : ACL_PRIVATE;
}

static const char *const SHARING_NAMES[] = {"private", "public_read", "public_read_write"};

const char *acl_sharing_name(acl_sharing s)
{
    return SHARING_NAMES[s];
}

int acl_sharing_from_name(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(SHARING_NAMES[i], name) == 0) return i;
    return -1;
}

/* Whose role's subordinates own rows u acts on: none in a personal
 * entity (an inbox stays one's own). owner_predicate and acl_row_writable
 * both take the owner set from here. */
static const role_node *owner_role(const auth_user *u, const entity_def *ent)
{
    return ent->personal ? NULL : role_of(snap(), u);
}

/* owner_id among the user and the users below: an index range per id. */
static void owner_predicate(const auth_user *u, const entity_def *ent, const char *alias, int with_pool,
                            query *q)
{
    const char *a = alias ? alias : "", *dot = alias ? "." : "";
    const role_node *r = owner_role(u, ent);
    if (r && r->nsubordinates) {
        query_sqlf(q, "(%s%sowner_id IN (", a, dot);
        query_bind_int(q, u->id);
        for (int i = 0; i < r->nsubordinates; i++) {
            query_sql(q, ", ");
            query_bind_int(q, r->subordinates[i]);
        }
        query_sql(q, ")");
    } else {
        query_sqlf(q, "(%s%sowner_id = ", a, dot);
        query_bind_int(q, u ? u->id : -1);
    }
    if (ent->pool && with_pool) query_sqlf(q, " OR %s%sowner_id IS NULL", a, dot); /* the public pool */
    query_sql(q, ")");
}

static int sees_everything(const auth_user *u, const entity_def *ent, int writing)
{
    if ((u && u->is_admin) || ent->is_system) return 1; /* system entities: acl_can decides */
    if (ent->personal) return 0;                       /* an inbox stays one's own */
    if (acl_can(u, ent, writing ? ACL_MODIFY_ALL : ACL_VIEW_ALL)) return 1;
    acl_sharing mode = acl_entity_sharing(u, ent);
    return writing ? mode == ACL_PUBLIC_READ_WRITE : mode != ACL_PRIVATE;
}

int acl_sees_all(const auth_user *u, const entity_def *ent)
{
    return sees_everything(u, ent, 0); /* as acl_list_predicate decides */
}

void acl_company_predicate(const auth_user *u, const char *alias, query *q)
{
    if (u && u->company_id == 0) { /* the server's own jobs */
        query_sql(q, "(1=1)");
        return;
    }
    query_sqlf(q, "(%s%scompany_id = ", alias ? alias : "", alias ? "." : "");
    query_bind_int(q, u ? u->company_id : -1);
    query_sql(q, ")");
}

/* Every predicate starts with the company: the tenant boundary comes
 * first, then what the user may see inside it. */
static void company_and(const auth_user *u, const char *alias, query *q)
{
    query_sql(q, "(");
    acl_company_predicate(u, alias, q);
    query_sql(q, " AND ");
}

/* " OR the record's header is shared with u": a live line of the share
 * list, under a live header of u's company, naming u, u's role, u's
 * department or one above it, or everyone (meta_shares.h); with "down",
 * the live headers below a shared one too (a recursive query over the
 * header's parent link). Reading only. */
static void shared_with(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    const share_def *sh = ent->shares;
    if (!sh || !sh->table || !u) return;
    query_sqlf(q, " OR %s%s%s IN (", alias ? alias : "", alias ? "." : "", sh->field);
    if (sh->down) query_sql(q, "WITH RECURSIVE shared(id) AS (");
    query_sqlf(q, "SELECT s.%s FROM %s s JOIN %s h ON h.id = s.%s AND h.deleted_at IS NULL WHERE s.deleted_at IS NULL AND s.company_id = ",
               sh->link, sh->table, sh->header_table, sh->link);
    query_bind_int(q, u->company_id);
    query_sql(q, " AND (s.share_with = 'all' OR s.user_id = ");
    query_bind_int(q, u->id);
    if (u->role_id) {
        query_sql(q, " OR s.role_id = ");
        query_bind_int(q, u->role_id);
    }
    if (u->department_id) { /* a department's share reaches the ones below it */
        query_sql(q, " OR s.department_id IN (WITH RECURSIVE up(id) AS (SELECT CAST(");
        query_bind_int(q, u->department_id);
        query_sql(q, " AS BIGINT) UNION SELECT d.parent_id FROM departments d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL)"
                     " SELECT id FROM up)");
    }
    query_sql(q, ")");
    if (sh->down) {
        query_sqlf(q, " UNION SELECT c.id FROM %s c JOIN shared ON c.%s = shared.id WHERE c.deleted_at IS NULL AND c.company_id = ",
                   sh->header_table, sh->down);
        query_bind_int(q, u->company_id);
        query_sql(q, ") SELECT id FROM shared");
    }
    query_sql(q, ")");
}

/* What u reads by ownership, or through a share. */
static void readable(const auth_user *u, const entity_def *ent, const char *alias, int with_pool, query *q)
{
    if (!ent->shares) return owner_predicate(u, ent, alias, with_pool, q);
    query_sql(q, "(");
    owner_predicate(u, ent, alias, with_pool, q);
    shared_with(u, ent, alias, q);
    query_sql(q, ")");
}

void acl_visible_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    company_and(u, alias, q);
    if (sees_everything(u, ent, 0)) query_sql(q, "(1=1)");
    else readable(u, ent, alias, 1, q);
    query_sql(q, ")");
}

void acl_list_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    company_and(u, alias, q);
    if (sees_everything(u, ent, 0)) query_sql(q, "(1=1)");
    else readable(u, ent, alias, 0, q);
    query_sql(q, ")");
}

int acl_list_owners(const auth_user *u, const entity_def *ent, int64_t *owners, int max)
{
    if (!u || ent->personal || ent->shares || sees_everything(u, ent, 0)) return 0; /* shares: more than owners */
    const role_node *r = role_of(snap(), u); /* as owner_predicate reads it */
    if (!r || !r->nsubordinates || r->nsubordinates + 1 > max) return 0;
    owners[0] = u->id;
    for (int i = 0; i < r->nsubordinates; i++) owners[i + 1] = r->subordinates[i];
    return r->nsubordinates + 1;
}

int acl_list_owner_set(const auth_user *u, const entity_def *ent, int64_t *owners, int max)
{
    /* as acl_list_predicate, which this must follow exactly */
    if (sees_everything(u, ent, 0)) return 0;
    if (ent->shares) return -1; /* shared rows of other owners: not a set of owners */
    const role_node *r = ent->personal ? NULL : role_of(snap(), u); /* as owner_predicate reads it */
    if (r && r->nsubordinates) {
        if (r->nsubordinates + 1 > max) return -1;
        owners[0] = u->id;
        for (int i = 0; i < r->nsubordinates; i++) owners[i + 1] = r->subordinates[i];
        return r->nsubordinates + 1;
    }
    if (max < 1) return -1;
    owners[0] = u ? u->id : -1;
    return 1;
}

void acl_pool_predicate(const auth_user *u, const char *alias, query *q)
{
    company_and(u, alias, q);
    query_sqlf(q, "%s%sowner_id IS NULL)", alias ? alias : "", alias ? "." : "");
}

void acl_own_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    company_and(u, alias, q);
    owner_predicate(u, ent, alias, 0, q);
    query_sql(q, ")");
}

void acl_owner_users_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    const char *a = alias ? alias : "", *dot = alias ? "." : "";
    company_and(u, alias, q);
    if (sees_everything(u, ent, 0)) {
        query_sql(q, "(1=1))");
        return;
    }
    const role_node *r = ent->personal ? NULL : role_of(snap(), u);
    query_sqlf(q, "%s%sid IN (", a, dot);
    query_bind_int(q, u ? u->id : -1);
    for (int i = 0; r && i < r->nsubordinates; i++) {
        query_sql(q, ", ");
        query_bind_int(q, r->subordinates[i]);
    }
    query_sql(q, "))");
}

void acl_write_predicate(const auth_user *u, const entity_def *ent, const char *alias,
                         int with_pool, query *q)
{
    company_and(u, alias, q);
    if (sees_everything(u, ent, 1)) query_sql(q, "(1=1)");
    else owner_predicate(u, ent, alias, with_pool, q);
    query_sql(q, ")");
}

int acl_row_writable(const auth_user *u, const entity_def *ent, int64_t owner_id, int with_pool)
{
    /* acl_write_predicate on the row: the company was the read's */
    if (sees_everything(u, ent, 1)) return 1;
    if (!owner_id) return ent->pool && with_pool; /* owner_id IS NULL: the public pool */
    /* owner_predicate: u, or one of u's subordinates */
    return owner_id == (u ? u->id : -1) || is_subordinate(owner_role(u, ent), owner_id);
}

static int profile_access(const auth_user *u, const entity_def *ent, const field_def *f)
{
    if (!u || u->is_admin || ent->is_system || ent->personal) return ACL_WRITE;
    const entity_rights *er = entity_rights_of(snap(), u, ent);
    if (!er) return ACL_HIDDEN;
    for (int i = 0; i < er->nfields; i++)
        if (strcmp(er->fields[i], f->name) == 0) return er->access[i];
    return ACL_WRITE;
}

int acl_field_access(const auth_user *u, const entity_def *ent, const field_def *f)
{
    int access = profile_access(u, ent, f);
    /* The record's identity stays visible: lists and links need it. */
    if (f->system && access == ACL_HIDDEN) access = ACL_READ;
    return f->readonly && access > ACL_READ ? ACL_READ : access;
}

int acl_field_restricted(const auth_user *u, const entity_def *ent, const field_def *f)
{
    return !f->readonly && !f->system && profile_access(u, ent, f) == ACL_READ;
}
