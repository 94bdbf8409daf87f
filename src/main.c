/* main.c - the kehu command: `kehu serve` is the product; the other
 * subcommands set up, inspect and fill a database. Every subcommand takes
 * --db FILE|postgresql://URL (default ./kehu.db). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "api/api.h"
#include "app.h"
#include "auth/session.h"
#include "cli/cli.h"
#include "cli/data.h"
#include "cli/prepare.h"
#include "entity/entity_schema.h"
#include "entity/import_jobs.h"
#include "entity/meta_load.h"
#include "entity/total_cache.h"
#include "http/server.h"
#include "modules/access.h"
#include "modules/approvals.h"
#include "modules/commerce.h"
#include "modules/company_view.h"
#include "modules/purchasing.h"
#include "modules/stock.h"
#include "modules/datasets.h"
#include "modules/experiments.h"
#include "modules/marketing.h"
#include "modules/office.h"
#include "modules/documents.h"
#include "modules/service.h"
#include "modules/sales.h"
#include "modules/lab_reports.h"
#include "modules/mail.h"
#include "modules/mail_sender.h"
#include "modules/teaching.h"
#include "util/pdf_doc.h"

#define KEHU_VERSION "0.1.0"

static void usage(FILE *out)
{
    fputs("用法 / usage: kehu COMMAND [options]\n"
          "  serve     [--db FILE|URL] [--listen HOST:PORT] [--threads N] [--admin-password PW]\n"
          "            [--demo] [--no-access-log]     启动服务 / run the server\n"
          "            [--max-connections N] [--max-per-ip N] [--header-timeout S]\n"
          "            [--body-timeout S] [--idle-timeout S]  连接限制 / connection limits\n"
          "            [--trusted-proxy ADDR]         反向代理地址 / the reverse proxy (X-Forwarded-For)\n"
          "  init      [--db ...]                     创建并迁移数据库 / create and migrate\n"
          "  migrate   [--db ...]                     迁移数据库 / migrate\n"
          "  user add USERNAME [--name N] [--password PW] [--admin] [--db ...]\n"
          "  user passwd USERNAME [--password PW] [--db ...]\n"
          "  backup    [--db FILE] --to FILE          在线备份（SQLite）/ online backup (SQLite)\n"
          "  restore   [--db FILE] --from FILE        从备份恢复（先停服务）/ restore (stop servers first)\n"
          "  gen-data  [--db ...] --accounts N [--contacts M]   生成测试数据 / benchmark data\n"
          "  routes    [--markdown]                   接口路由表 / the routes (docs/api.md list)\n"
          "  version\n",
          out);
}

static const char *arg_value(int argc, char **argv, const char *name, const char *dflt)
{
    for (int i = 1; i < argc - 1; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return dflt;
}

static int arg_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

/* Usage when the options are not all known: exit code 0 after --help. */
static int options_usage(int known)
{
    usage(known < 0 ? stdout : stderr);
    return known < 0 ? 0 : 2;
}

/* The options a subcommand takes: "--db=" takes a value, "--demo" is a
 * flag. Anything else, --help included, prints the usage instead of
 * running: `kehu serve --help` must not create a database and bind a port.
 * 1: all known; 0: an unknown or incomplete option; -1: help was asked. */
static int options_known(int argc, char **argv, const char *const *known)
{
    for (int i = 1; i < argc; i++) {
        const char *hit = NULL;
        for (const char *const *k = known; *k && !hit; k++) {
            size_t n = strcspn(*k, "=");
            if (strncmp(argv[i], *k, n) == 0 && argv[i][n] == '\0') hit = *k;
        }
        if (!hit) {
            if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return -1;
            fprintf(stderr, "kehu: 未知选项 / unknown option: %s\n", argv[i]);
            return 0;
        }
        if (strchr(hit, '=') && ++i >= argc) {
            fprintf(stderr, "kehu: %s 需要一个值 / %s needs a value\n", argv[i - 1], argv[i - 1]);
            return 0;
        }
    }
    return 1;
}

static db_conn *open_prepared(const char *url)
{
    err e;
    err_clear(&e);
    db_conn *c = db_open(url, &e);
    if (!c || schema_prepare(c, &e)) {
        fprintf(stderr, "kehu: %s\n      %s\n", e.zh, e.en);
        if (c) db_close(c);
        return NULL;
    }
    return c;
}

static int parse_listen(const char *text, app_config *cfg)
{
    static char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof host) return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    long port = strtol(colon + 1, NULL, 10);
    if (port <= 0 || port > 65535) return -1;
    cfg->listen_host = host;
    cfg->listen_port = (unsigned)port;
    return 0;
}

/* The dispatch table as declared: "METHOD PATTERN" lines, or the route
 * list of docs/api.md (tests compare both with what is published). */
static int cmd_routes(int argc, char **argv)
{
    strbuf sb = STRBUF_INIT;
    if (arg_flag(argc, argv, "--markdown")) {
        api_routes_markdown(&sb);
    } else {
        for (const route *const *t = api_all_routes; *t; t++)
            for (const route *r = *t; r->method; r++) sb_printf(&sb, "%s %s\n", r->method, r->pattern);
    }
    fputs(sb_str(&sb), stdout);
    sb_free(&sb);
    return 0;
}

static int first_start(db_conn *c, int argc, char **argv)
{
    err e;
    err_clear(&e);
    const char *pw = arg_value(argc, argv, "--admin-password", getenv("KEHU_ADMIN_PASSWORD"));
    char *generated = NULL;
    if (auth_bootstrap_admin(c, pw, &generated, &e)) {
        fprintf(stderr, "kehu: %s\n", e.zh);
        return -1;
    }
    if (access_seed_admin_role(c, &e)) {
        fprintf(stderr, "kehu: %s\n", e.zh);
        return -1;
    }
    if (generated) {
        /* Printed once, on the terminal of whoever started the server. */
        fprintf(stderr, "kehu: 已创建管理员 admin，初始密码 / admin created, password: %s\n", generated);
        free(generated);
    }
    if (arg_flag(argc, argv, "--demo") && cli_demo_data(c, &e)) {
        fprintf(stderr, "kehu: 演示数据生成失败 / demo data failed: %s\n", e.zh);
        return -1;
    }
    int64_t admin_id = 0;
    if (db_query_int64(c, "SELECT MIN(id) FROM users WHERE is_admin = 1", &admin_id, &e, 0, NULL) < 0 ||
        sales_plan_pending_follow_ups(c, admin_id, &e)) {
        fprintf(stderr, "kehu: %s\n", e.zh);
        return -1;
    }
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    static const char *const known[] = {"--db=", "--listen=", "--threads=", "--admin-password=",
                                        "--session-hours=", "--demo", "--no-access-log",
                                        "--secure-cookies", "--max-connections=", "--max-per-ip=",
                                        "--header-timeout=", "--body-timeout=", "--idle-timeout=",
                                        "--trusted-proxy=", NULL};
    int ok = options_known(argc, argv, known);
    if (ok != 1) return options_usage(ok);
    app a = {0};
    a.cfg.db_url = arg_value(argc, argv, "--db", "kehu.db");
    a.cfg.listen_host = "127.0.0.1";
    a.cfg.listen_port = 8080;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    a.cfg.threads = (unsigned)atoi(arg_value(argc, argv, "--threads", "0"));
    if (a.cfg.threads == 0) a.cfg.threads = ncpu > 0 ? (unsigned)ncpu : 2;
    a.cfg.access_log = !arg_flag(argc, argv, "--no-access-log");
    a.cfg.secure_cookies = arg_flag(argc, argv, "--secure-cookies");
    a.cfg.session_hours = (unsigned)atoi(arg_value(argc, argv, "--session-hours", "12"));
    a.cfg.max_connections = (unsigned)atoi(arg_value(argc, argv, "--max-connections", "10000"));
    a.cfg.max_per_ip = (unsigned)atoi(arg_value(argc, argv, "--max-per-ip", "256"));
    a.cfg.header_timeout = (unsigned)atoi(arg_value(argc, argv, "--header-timeout", "10"));
    a.cfg.body_timeout = (unsigned)atoi(arg_value(argc, argv, "--body-timeout", "120"));
    a.cfg.idle_timeout = (unsigned)atoi(arg_value(argc, argv, "--idle-timeout", "30"));
    a.cfg.trusted_proxy = arg_value(argc, argv, "--trusted-proxy", NULL);
    const char *listen = arg_value(argc, argv, "--listen", NULL);
    if (listen && parse_listen(listen, &a.cfg)) {
        fprintf(stderr, "kehu: --listen 需要 HOST:PORT / --listen wants HOST:PORT\n");
        return 2;
    }
    sales_init(); /* before the demo data, whose opportunities use its rules */
    commerce_init();
    stock_init();
    purchasing_init();
    approvals_init();
    marketing_init();
    office_init();
    documents_init();
    service_init();
    access_init();
    teaching_init();
    lab_reports_init();
    mail_init();
    db_conn *c = open_prepared(a.cfg.db_url);
    if (!c) return 1;
    int rc = first_start(c, argc, argv);
    db_close(c);
    if (rc) return 1;
    err e;
    err_clear(&e);
    if (experiments_check(meta_current(), &e) || datasets_check(meta_current(), &e)) { /* a defect of the build: say so at once */
        fprintf(stderr, "kehu: %s\n", e.zh);
        return 1;
    }
    a.pool = db_pool_open(a.cfg.db_url, &e);
    if (!a.pool) {
        fprintf(stderr, "kehu: %s\n", e.zh);
        return 1;
    }
    a.view_company = company_view; /* teachers read their students' sandboxes */
    if (mail_worker_start(a.cfg.db_url)) fprintf(stderr, "kehu: 无法启动邮件发送 / cannot start the mail sender\n");
    if (total_cache_start(a.cfg.db_url)) fprintf(stderr, "kehu: 无法启动总数刷新 / cannot start the totals refresher\n");
    rc = server_run(&a, api_all_routes);
    total_cache_stop();
    mail_worker_stop();
    import_jobs_shutdown();
    db_pool_close(a.pool);
    acl_shutdown();
    meta_shutdown();
    pdf_shutdown();
    return rc;
}

static int cmd_migrate(int argc, char **argv)
{
    static const char *const known[] = {"--db=", NULL};
    int ok = options_known(argc, argv, known);
    if (ok != 1) return options_usage(ok);
    db_conn *c = open_prepared(arg_value(argc, argv, "--db", "kehu.db"));
    if (!c) return 1;
    db_close(c);
    acl_shutdown();
    meta_shutdown();
    fprintf(stderr, "kehu: 数据库已是最新 / database is up to date\n");
    return 0;
}

static int say_failed(const char *what, const err *e)
{
    fprintf(stderr, "kehu: %s: %s\n      %s\n", what, e->zh, e->en);
    return 1;
}

/* kehu backup --to FILE: the SQLite database at one moment, while servers
 * go on serving (docs/deploy.md "Backups"). A new file only: an old backup
 * is never overwritten by mistake; written beside it first, then renamed,
 * so FILE is either whole or absent. */
static int cmd_backup(int argc, char **argv)
{
    static const char *const known[] = {"--db=", "--to=", NULL};
    int ok = options_known(argc, argv, known);
    if (ok != 1) return options_usage(ok);
    const char *to = arg_value(argc, argv, "--to", NULL);
    if (!to) return options_usage(0);
    if (access(to, F_OK) == 0) {
        fprintf(stderr, "kehu: %s 已存在，不覆盖 / %s exists, not overwritten\n", to, to);
        return 1;
    }
    err e;
    err_clear(&e);
    db_conn *c = db_open(arg_value(argc, argv, "--db", "kehu.db"), &e);
    if (!c) return say_failed("backup", &e);
    char partial[4096];
    snprintf(partial, sizeof partial, "%s.partial", to);
    unlink(partial);
    int rc = db_backup(c, partial, &e);
    db_close(c);
    if (rc == 0 && rename(partial, to) != 0) rc = err_setf(&e, 500, "io", "无法写入 %s", "Cannot write %s", to);
    if (rc) {
        unlink(partial);
        return say_failed("backup", &e);
    }
    fprintf(stderr, "kehu: 已备份到 / backed up to %s\n", to);
    return 0;
}

/* kehu restore --from FILE: the backup copied over the database (checked
 * whole first, so a bad file never replaces a good database). */
static int cmd_restore(int argc, char **argv)
{
    static const char *const known[] = {"--db=", "--from=", NULL};
    int ok = options_known(argc, argv, known);
    if (ok != 1) return options_usage(ok);
    const char *from = arg_value(argc, argv, "--from", NULL);
    if (!from) return options_usage(0);
    if (access(from, R_OK) != 0) {
        fprintf(stderr, "kehu: 读不到备份文件 / cannot read the backup: %s\n", from);
        return 1;
    }
    err e;
    err_clear(&e);
    db_conn *c = db_open(arg_value(argc, argv, "--db", "kehu.db"), &e);
    if (!c) return say_failed("restore", &e);
    int rc = db_restore(c, from, &e);
    db_close(c);
    if (rc) return say_failed("restore", &e);
    fprintf(stderr, "kehu: 已从备份恢复 / restored from %s\n", from);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "init") == 0 || strcmp(cmd, "migrate") == 0) return cmd_migrate(argc - 1, argv + 1);
    if (strcmp(cmd, "user") == 0) return cli_user(argc - 1, argv + 1);
    if (strcmp(cmd, "routes") == 0) return cmd_routes(argc - 1, argv + 1);
    if (strcmp(cmd, "gen-data") == 0) return cli_gen_data(argc - 1, argv + 1);
    if (strcmp(cmd, "backup") == 0) return cmd_backup(argc - 1, argv + 1);
    if (strcmp(cmd, "restore") == 0) return cmd_restore(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("kehu %s\n", KEHU_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
