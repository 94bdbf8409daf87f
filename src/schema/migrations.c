/* migrations.c - the system tables (users, sessions, history, sequences,
 * picklists, custom fields, settings) as versioned migrations. Entity tables
 * are not here: they follow metadata (src/entity/entity_schema.c).
 *
 * The SQL is written once; the token %ID% stands for the auto-increment
 * primary key, the only type the two dialects spell differently here.
 * Timestamps are ISO 8601 UTC text on both backends, so they compare and
 * sort as text and the engine never needs dialect date functions.
 * Never edit a shipped migration: add a new one. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"

static const char *const MIGRATION_1 =
    /* Users are also an entity (users.json), so they carry the standard
     * record columns. */
    "CREATE TABLE users ("
    " id %ID%,"
    " username TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " email TEXT, mobile TEXT,"
    " password_hash TEXT,"
    " is_admin INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'active',"
    " role_id BIGINT, department_id BIGINT,"
    " password_changed_at TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " owner_id BIGINT,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " created_by BIGINT, updated_by BIGINT,"
    " deleted_at TEXT);"
    "CREATE UNIQUE INDEX users_username ON users(username);"
    /* Sign-ins and API tokens: only a hash of the secret is stored. */
    "CREATE TABLE sessions ("
    " id %ID%,"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " kind TEXT NOT NULL," /* 'cookie' or 'token' */
    " token_hash TEXT NOT NULL,"
    " csrf_token TEXT,"
    " label TEXT,"
    " created_at TEXT NOT NULL,"
    " last_seen_at TEXT NOT NULL,"
    " expires_at TEXT,"
    " revoked_at TEXT,"
    " address TEXT, user_agent TEXT);"
    "CREATE UNIQUE INDEX sessions_token ON sessions(token_hash);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    /* Every sign-in attempt: login history and throttling read this. */
    "CREATE TABLE login_attempts ("
    " id %ID%,"
    " username TEXT NOT NULL,"
    " user_id BIGINT,"
    " address TEXT NOT NULL,"
    " user_agent TEXT,"
    " success INTEGER NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX login_attempts_user ON login_attempts(username, at);"
    "CREATE INDEX login_attempts_addr ON login_attempts(address, at);"
    /* Field-level change log of every entity. */
    "CREATE TABLE record_history ("
    " id %ID%,"
    " entity TEXT NOT NULL,"
    " record_id BIGINT NOT NULL,"
    " action TEXT NOT NULL," /* create, update, delete, restore */
    " field TEXT,"
    " old_value TEXT, new_value TEXT,"
    " changed_by BIGINT,"
    " changed_at TEXT NOT NULL);"
    "CREATE INDEX record_history_record ON record_history(entity, record_id, id);"
    /* Counters behind auto-numbers (KH-000123). */
    "CREATE TABLE sequences (name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
    /* Picklist options live in the database so admins can edit them. */
    "CREATE TABLE picklist_options ("
    " id %ID%,"
    " entity TEXT NOT NULL, field TEXT NOT NULL,"
    " value TEXT NOT NULL, label_zh TEXT NOT NULL, label_en TEXT,"
    " position INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 1);"
    "CREATE UNIQUE INDEX picklist_options_key ON picklist_options(entity, field, value);"
    /* Fields added at run time; each is also a real column cf_* of the table. */
    "CREATE TABLE custom_fields ("
    " id %ID%,"
    " entity TEXT NOT NULL, name TEXT NOT NULL,"
    " definition TEXT NOT NULL," /* the field's JSON, as in metadata files */
    " created_at TEXT NOT NULL, created_by BIGINT);"
    "CREATE UNIQUE INDEX custom_fields_key ON custom_fields(entity, name);"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO settings(key, value) VALUES ('metadata_version', '1');";

static const struct {
    int version;
    const char *name;
    const char *sql;
} MIGRATIONS[] = {
    {1, "system tables", MIGRATION_1},
    /* A number per option: the default probability of a sales stage. */
    {2, "picklist option probability", "ALTER TABLE picklist_options ADD COLUMN probability INTEGER"},
    /* Access rules (roles, profiles, sharing) are cached per process; the
     * version tells other processes to reload. Per-user settings hold the
     * customised main menu and travel with a copied user. */
    {3, "access control",
     "INSERT INTO settings(key, value) VALUES ('acl_version', '1');"
     "CREATE TABLE user_settings ("
     " user_id BIGINT NOT NULL REFERENCES users(id),"
     " key TEXT NOT NULL, value TEXT NOT NULL,"
     " PRIMARY KEY (user_id, key));"},
    /* Imports: the upload (base64) waiting for its mapping, then the
     * progress and result, so any process can take the next step. */
    {4, "import jobs",
     "CREATE TABLE import_jobs ("
     " n %ID%,"
     " id TEXT NOT NULL UNIQUE,"
     " user_id BIGINT NOT NULL, entity TEXT NOT NULL, lang TEXT NOT NULL,"
     " state TEXT NOT NULL," /* ready, running, done, failed */
     " file TEXT,"
     " total BIGINT NOT NULL DEFAULT 0, processed BIGINT NOT NULL DEFAULT 0,"
     " created BIGINT NOT NULL DEFAULT 0, updated BIGINT NOT NULL DEFAULT 0,"
     " skipped BIGINT NOT NULL DEFAULT 0, failed BIGINT NOT NULL DEFAULT 0,"
     " errors TEXT, message TEXT,"
     " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ended_at TEXT);"
     "CREATE INDEX import_jobs_user ON import_jobs(user_id, state, n);"},
    /* Companies (tenants). What existed becomes the first company, the
     * default one (id 1 on both backends: the first row of a new table);
     * its administrators become platform administrators, who create the
     * other companies. Entity tables get their company_id column from
     * entity_schema.c; here the tables that are not entities: the per
     * company settings (sharing) and the auto-number counters, which
     * count per company. */
    {5, "companies",
     "CREATE TABLE companies ("
     " id %ID%,"
     " name TEXT NOT NULL,"
     " code TEXT NOT NULL,"
     " status TEXT NOT NULL DEFAULT 'active'," /* active, suspended */
     " created_at TEXT, created_by BIGINT);"
     "CREATE UNIQUE INDEX companies_code ON companies(code);"
     "CREATE UNIQUE INDEX companies_name ON companies(name);"
     "INSERT INTO companies(name, code) VALUES ('本公司', 'default');"
     /* users sign in by name: a name is unique across companies (the
      * engine's own unique index on it is per company) */
     "CREATE UNIQUE INDEX users_login ON users(username);"
     "ALTER TABLE users ADD COLUMN company_id BIGINT NOT NULL DEFAULT 1;"
     "ALTER TABLE users ADD COLUMN platform_admin INTEGER NOT NULL DEFAULT 0;"
     "UPDATE users SET platform_admin = is_admin;"
     "CREATE TABLE company_settings ("
     " company_id BIGINT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
     " PRIMARY KEY (company_id, key));"
     "INSERT INTO company_settings(company_id, key, value)"
     " SELECT 1, key, value FROM settings WHERE key LIKE 'sharing.%';"
     "DELETE FROM settings WHERE key LIKE 'sharing.%';"
     "CREATE TABLE counters ("
     " company_id BIGINT NOT NULL, name TEXT NOT NULL, value BIGINT NOT NULL,"
     " PRIMARY KEY (company_id, name));"
     "INSERT INTO counters(company_id, name, value) SELECT 1, name, value FROM sequences;"
     "DROP TABLE sequences;"},
    /* Picklist options are each company's: a company that changes a
     * picklist keeps its own rows; the rows of company 0 are the
     * platform's set (seeded from the entity files), which every other
     * company reads. */
    {6, "picklists per company",
     "ALTER TABLE picklist_options ADD COLUMN company_id BIGINT NOT NULL DEFAULT 0;"
     "DROP INDEX picklist_options_key;"
     "CREATE UNIQUE INDEX picklist_options_company ON picklist_options(company_id, entity, field, value);"},
    /* Custom fields are each company's too (company 0: the platform's,
     * every company has them). A company's field is stored in a slot
     * column (column_name) that other companies' fields share, so a
     * thousand companies do not cost a thousand columns; the platform's
     * keep their own column, named like the field. */
    {7, "custom fields per company",
     "ALTER TABLE custom_fields ADD COLUMN company_id BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE custom_fields ADD COLUMN column_name TEXT;"
     "UPDATE custom_fields SET column_name = name;"
     "DROP INDEX custom_fields_key;"
     "CREATE UNIQUE INDEX custom_fields_company ON custom_fields(company_id, entity, name);"
     "CREATE UNIQUE INDEX custom_fields_slot ON custom_fields(company_id, entity, column_name);"},
    /* What an import leaves for the importer: the duplicates it skipped,
     * and the rows that failed as a file in the upload's own format
     * (base64, like the upload), to correct and import again. */
    {8, "import results",
     "ALTER TABLE import_jobs ADD COLUMN skipped_rows TEXT;"
     "ALTER TABLE import_jobs ADD COLUMN failed_file TEXT;"
     "ALTER TABLE import_jobs ADD COLUMN failed_format TEXT;"},
    /* Teaching: a platform administrator makes a user a teacher; a
     * student's generated first password must be changed at the first
     * sign-in (any new password clears the mark). */
    {9, "teachers and first passwords",
     "ALTER TABLE users ADD COLUMN is_teacher INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;"},
    /* 附件: files of any record (contracts, quotes, tickets), kept in the
     * database so several processes share them; base64 like uploads. */
    {14, "attachments",
     "CREATE TABLE attachments (id %ID%, company_id BIGINT NOT NULL, entity TEXT NOT NULL,"
     " record_id BIGINT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL,"
     " data TEXT NOT NULL, created_at TEXT NOT NULL, created_by BIGINT);"
     "CREATE INDEX attachments_record ON attachments(company_id, entity, record_id);"},
    /* 通讯中心 (docs/mail.md): each company's SMTP server and SMS gateway,
     * set by its administrator (the password is stored, never answered or
     * logged), and the outbox of the test-double SMS gateway. */
    {15, "mail_settings",
     "CREATE TABLE mail_settings (company_id BIGINT PRIMARY KEY, smtp_host TEXT NOT NULL DEFAULT '',"
     " smtp_port BIGINT NOT NULL DEFAULT 25, tls_mode TEXT NOT NULL DEFAULT 'starttls', username TEXT NOT NULL DEFAULT '',"
     " password TEXT NOT NULL DEFAULT '', from_address TEXT NOT NULL DEFAULT '', from_name TEXT NOT NULL DEFAULT '',"
     " rate_per_minute BIGINT NOT NULL DEFAULT 600, public_url TEXT NOT NULL DEFAULT '',"
     " sms_provider TEXT NOT NULL DEFAULT '', updated_at TEXT);"
     "CREATE TABLE sms_outbox (id %ID%, company_id BIGINT NOT NULL, message_id BIGINT NOT NULL, phone TEXT NOT NULL,"
     " text TEXT NOT NULL, created_at TEXT NOT NULL);"
     "CREATE INDEX sms_outbox_company ON sms_outbox(company_id, id);"},
    /* 接收邮箱 (docs/mail.md "Inbound email"): each company's IMAP mailbox
     * with the poll's lease and place (the folder's UIDVALIDITY and the
     * last UID done), and one row per message processed: the unique
     * (mailbox, UIDVALIDITY, UID) is what makes a message processed once;
     * message_id threads the replies onto what it made. */
    {20, "inbound mail",
     "CREATE TABLE mailboxes (company_id BIGINT PRIMARY KEY, imap_host TEXT NOT NULL DEFAULT '',"
     " imap_port BIGINT NOT NULL DEFAULT 993, tls_mode TEXT NOT NULL DEFAULT 'tls', username TEXT NOT NULL DEFAULT '',"
     " password TEXT NOT NULL DEFAULT '', folder TEXT NOT NULL DEFAULT 'INBOX', creates TEXT NOT NULL DEFAULT 'ticket',"
     " queue_id BIGINT, enabled INTEGER NOT NULL DEFAULT 0, acting_user_id BIGINT,"
     " uid_validity BIGINT NOT NULL DEFAULT 0, last_uid BIGINT NOT NULL DEFAULT 0, polled_key TEXT NOT NULL DEFAULT '',"
     " claimed_until TEXT, polled_at TEXT, last_error TEXT, updated_at TEXT);"
     "CREATE TABLE inbound_mails (id %ID%, company_id BIGINT NOT NULL, mailbox TEXT NOT NULL,"
     " uid_validity BIGINT NOT NULL, uid BIGINT NOT NULL, message_id TEXT NOT NULL, from_address TEXT NOT NULL,"
     " subject TEXT NOT NULL, outcome TEXT NOT NULL, entity TEXT, record_id BIGINT, error TEXT,"
     " received_at TEXT NOT NULL);"
     "CREATE UNIQUE INDEX inbound_mails_uid ON inbound_mails(company_id, mailbox, uid_validity, uid);"
     "CREATE INDEX inbound_mails_message ON inbound_mails(company_id, message_id);"},
    /* The periodic jobs of the server's worker (server_jobs.c), one row
     * each: the lease that lets one process of several run it, and when
     * it last ran. The SLA sweep left the GET handlers for here. */
    {21, "server jobs",
     "CREATE TABLE server_jobs (name TEXT PRIMARY KEY, claimed_until TEXT, last_run_at TEXT);"
     "INSERT INTO server_jobs (name) VALUES ('sla_sweep');"},
    /* When each student first opened each assignment (docs/teaching.md
     * "Time spent"): the start of their time on it, noted by the server
     * when the experiment panel first asks, so no browser clock decides. */
    {23, "assignment opens",
     "CREATE TABLE assignment_opens (assignment_id BIGINT NOT NULL, user_id BIGINT NOT NULL, opened_at TEXT NOT NULL,"
     " PRIMARY KEY (assignment_id, user_id));"},
    /* The ticket queue sorts open tickets by 解决期限. A one-column index
     * on the deadline lured both planners into walking it past every
     * closed ticket (PostgreSQL 1-3.6 s a page at a million tickets); the
     * queue is served by the metadata's (queue, status, deadline) and
     * (status, deadline) indexes instead, and tickets.resolution_due is no
     * longer indexed on its own. A new database has no tickets table yet:
     * IF EXISTS. */
    {24, "ticket deadline index", "DROP INDEX IF EXISTS tickets_c_resolution_due"},
    /* Live records per (entity table, company, owner; 0 = no owner), kept by
     * triggers on each entity table (src/entity/owner_counts.h), and the
     * tables whose counts are in place: a plain list's total without a
     * COUNT over every visible row (issue 14). */
    {25, "owner counts",
     "CREATE TABLE owner_counts (tbl TEXT NOT NULL, company_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,"
     " n BIGINT NOT NULL, PRIMARY KEY (tbl, company_id, owner_id));"
     "CREATE TABLE owner_count_tables (tbl TEXT PRIMARY KEY);"},
    /* The sign-in epoch (src/auth/session_cache.h): one number, moved by
     * triggers whenever anything a resolved session depends on changes (a
     * session revoked, deleted or cut short; any change of a user or a
     * company; the metadata or access rules version), so each server
     * thread may keep the sessions it resolved and check them with one
     * read of this row instead of the join. Triggers, not the code paths:
     * every writer is caught, the command line and other processes too.
     * The users and companies triggers name no column, so a custom field
     * of users can still be dropped (SQLite refuses to drop a column a
     * trigger names). A touch (last_seen_at, expires_at moved later) does
     * not move it. PostgreSQL: the triggers are deferred to the commit,
     * so the row is locked last and only for the commit's instant; taken
     * earlier, it would be held across the rest of the transaction, and
     * two transactions writing users or sessions could deadlock on it. */
    {26, "sign-in epoch",
     "CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);"
     "INSERT INTO auth_epoch (id, n) VALUES (1, 1);"
     "CREATE TRIGGER sessions_auth_epoch AFTER UPDATE OF revoked_at, user_id, kind, token_hash, csrf_token ON sessions"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER sessions_auth_epoch_cut AFTER UPDATE OF expires_at ON sessions"
     " WHEN new.expires_at IS NOT NULL AND (old.expires_at IS NULL OR new.expires_at < old.expires_at)"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER sessions_auth_epoch_delete AFTER DELETE ON sessions"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER users_auth_epoch AFTER UPDATE ON users BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER users_auth_epoch_delete AFTER DELETE ON users BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER companies_auth_epoch AFTER UPDATE ON companies BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER companies_auth_epoch_delete AFTER DELETE ON companies"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"
     "CREATE TRIGGER settings_auth_epoch AFTER UPDATE ON settings WHEN new.key IN ('metadata_version', 'acl_version')"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;"},
};

/* PostgreSQL's own text of the migrations whose SQL differs by more than
 * %ID% (triggers: plpgsql functions). */
static const struct {
    int version;
    const char *sql;
} PG_MIGRATIONS[] = {
    {26,
     "CREATE TABLE auth_epoch (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
     "INSERT INTO auth_epoch (id, n) VALUES (1, 1);"
     "CREATE FUNCTION kehu_auth_epoch() RETURNS trigger LANGUAGE plpgsql AS $f$"
     " BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; RETURN NULL; END $f$;"
     "CREATE CONSTRAINT TRIGGER sessions_auth_epoch AFTER UPDATE OF revoked_at, user_id, kind, token_hash, csrf_token"
     " OR DELETE ON sessions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kehu_auth_epoch();"
     "CREATE CONSTRAINT TRIGGER sessions_auth_epoch_cut AFTER UPDATE OF expires_at ON sessions"
     " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
     " WHEN (NEW.expires_at IS NOT NULL AND (OLD.expires_at IS NULL OR NEW.expires_at < OLD.expires_at))"
     " EXECUTE FUNCTION kehu_auth_epoch();"
     "CREATE CONSTRAINT TRIGGER users_auth_epoch AFTER UPDATE OR DELETE ON users"
     " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kehu_auth_epoch();"
     "CREATE CONSTRAINT TRIGGER companies_auth_epoch AFTER UPDATE OR DELETE ON companies"
     " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kehu_auth_epoch();"
     "CREATE CONSTRAINT TRIGGER settings_auth_epoch AFTER UPDATE ON settings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
     " WHEN (NEW.key IN ('metadata_version', 'acl_version')) EXECUTE FUNCTION kehu_auth_epoch();"},
};

static const char *pg_text(int version, const char *sql)
{
    for (size_t i = 0; i < sizeof PG_MIGRATIONS / sizeof PG_MIGRATIONS[0]; i++)
        if (PG_MIGRATIONS[i].version == version) return PG_MIGRATIONS[i].sql;
    return sql;
}

const char *schema_id_column(db_dialect d)
{
    return d == DB_POSTGRES ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                            : "INTEGER PRIMARY KEY";
}

static char *for_dialect(const char *sql, db_dialect d)
{
    strbuf sb = STRBUF_INIT;
    const char *id = schema_id_column(d);
    for (const char *p = sql; *p;) {
        const char *tok = strstr(p, "%ID%");
        if (!tok) {
            sb_append(&sb, p);
            break;
        }
        sb_appendn(&sb, p, (size_t)(tok - p));
        sb_append(&sb, id);
        p = tok + 4;
    }
    return sb_detach(&sb);
}

int schema_migrate_system(db_conn *c, err *e)
{
    enum { N = sizeof MIGRATIONS / sizeof MIGRATIONS[0] };
    db_migration list[N];
    char *texts[N * 2];
    for (int i = 0; i < N; i++) {
        texts[2 * i] = for_dialect(MIGRATIONS[i].sql, DB_SQLITE);
        texts[2 * i + 1] = for_dialect(pg_text(MIGRATIONS[i].version, MIGRATIONS[i].sql), DB_POSTGRES);
        list[i] = (db_migration){MIGRATIONS[i].version, MIGRATIONS[i].name, texts[2 * i],
                                 texts[2 * i + 1]};
    }
    int rc = db_migrate(c, list, N, e);
    for (int i = 0; i < 2 * N; i++) free(texts[i]);
    return rc;
}
