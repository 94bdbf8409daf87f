/* user.c - `kehu user add|passwd`: accounts from the command line, for the
 * administrator who lost the password printed at first start and for
 * scripts that set up a class of students. Passwords can come from a pipe
 * or the environment so they need not appear in the process list. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../acl/acl.h"
#include "../auth/session.h"
#include "../entity/meta_load.h"
#include "cli.h"
#include "prepare.h"

#define PASSWORD_LINE_MAX 1024

typedef struct user_args {
    const char *action; /* "add" or "passwd" */
    const char *username;
    const char *name;
    const char *password;
    const char *db_url;
    int admin;
} user_args;

static int usage(void)
{
    fputs("用法 / usage:\n"
          "  kehu user add USERNAME [--name NAME] [--password PW] [--admin] [--db FILE|URL]\n"
          "  kehu user passwd USERNAME [--password PW] [--db FILE|URL]\n"
          "密码依次取自 --password、环境变量 KEHU_PASSWORD、标准输入的一行。\n"
          "The password comes from --password, else KEHU_PASSWORD, else one line of stdin.\n",
          stderr);
    return 1;
}

static int parse_args(int argc, char **argv, user_args *u)
{
    memset(u, 0, sizeof *u);
    u->db_url = "kehu.db";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(arg, "--admin") == 0)
            u->admin = 1;
        else if (strcmp(arg, "--name") == 0 && has_value)
            u->name = argv[++i];
        else if (strcmp(arg, "--password") == 0 && has_value)
            u->password = argv[++i];
        else if (strcmp(arg, "--db") == 0 && has_value)
            u->db_url = argv[++i];
        else if (arg[0] == '-')
            return -1;
        else if (!u->action)
            u->action = arg;
        else if (!u->username)
            u->username = arg;
        else
            return -1;
    }
    if (!u->action || !u->username) return -1;
    if (strcmp(u->action, "add") != 0 && strcmp(u->action, "passwd") != 0) return -1;
    if (strcmp(u->action, "passwd") == 0 && (u->name || u->admin)) return -1;
    return 0;
}

/* One line of stdin without its line end; on a terminal with echo off. */
static int read_line(const char *prompt, char *buf, size_t size)
{
    int tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        } else {
            tty = 0;
        }
    }
    char *got = fgets(buf, (int)size, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got) return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* Fills buf with the password from the first source that has one. On a
 * terminal it is typed twice so a typo does not lock anyone out. */
static int get_password(const user_args *u, char *buf, size_t size)
{
    const char *given = u->password ? u->password : getenv("KEHU_PASSWORD");
    if (given) {
        if (strlen(given) >= size) return -3;
        strcpy(buf, given);
        return 0;
    }
    if (read_line("密码 / Password: ", buf, size)) return -1;
    if (!isatty(STDIN_FILENO)) return 0;
    char again[PASSWORD_LINE_MAX];
    int same =
        read_line("再输入一次 / Again: ", again, sizeof again) == 0 && strcmp(again, buf) == 0;
    sodium_memzero(again, sizeof again);
    if (!same) {
        fputs("kehu: 两次输入的密码不一致 / the passwords do not match\n", stderr);
        return -2;
    }
    return 0;
}

static void print_error(const err *e)
{
    fprintf(stderr, "kehu: %s\n      %s\n", e->zh, e->en);
}

static int run(db_conn *c, const user_args *u, const char *password, err *e)
{
    if (schema_prepare(c, e)) return -1; /* users carry the entity columns too */
    int64_t id = 0;
    if (strcmp(u->action, "add") == 0) {
        if (user_create(c, u->username, u->name, password, u->admin, &id, e)) return -1;
        printf("已创建%s %s（id %lld）/ created %s %s (id %lld)\n", u->admin ? "管理员" : "用户",
               u->username, (long long)id, u->admin ? "administrator" : "user", u->username,
               (long long)id);
        return 0;
    }
    if (user_find(c, u->username, &id, e) || user_set_password(c, id, password, e)) return -1;
    printf("已修改 %s 的密码，其所有登录已失效 / password of %s changed, all sessions ended\n",
           u->username, u->username);
    return 0;
}

int cli_user(int argc, char **argv)
{
    user_args u;
    if (parse_args(argc, argv, &u)) return usage();
    char password[PASSWORD_LINE_MAX];
    int got = get_password(&u, password, sizeof password);
    if (got) {
        if (got == -1) fputs("kehu: 未提供密码 / no password given\n", stderr);
        if (got == -3) fputs("kehu: 密码太长 / the password is too long\n", stderr);
        return 1;
    }
    err e;
    err_clear(&e);
    db_conn *c = db_open(u.db_url, &e);
    int rc = c ? run(c, &u, password, &e) : -1;
    sodium_memzero(password, sizeof password);
    if (c) db_close(c);
    acl_shutdown();
    meta_shutdown();
    if (rc) print_error(&e);
    return rc ? 1 : 0;
}
