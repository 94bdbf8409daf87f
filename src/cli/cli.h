/* cli.h - subcommands of the kehu command that live outside main.c. */
#ifndef KEHU_CLI_H
#define KEHU_CLI_H

/* kehu user add USERNAME [--name NAME] [--password PW] [--admin] [--db FILE|URL]
 * kehu user passwd USERNAME [--password PW] [--db FILE|URL]
 * argv[0] is "user". The password comes from --password, else the
 * environment variable KEHU_PASSWORD, else one line of standard input (not
 * echoed on a terminal). Returns the exit code: 0 done, 1 failed. */
int cli_user(int argc, char **argv);

#endif
