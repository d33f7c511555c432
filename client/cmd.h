/*
 * cmd.h - the `kairan` subcommands, one struct cli_cmd each, listed in
 * main.c's dispatch table.
 *
 *	cmd_whoami.c     whoami, circles
 *	cmd_post.c       post
 *	cmd_get.c        get, history
 *	cmd_subscribe.c  subscribe
 */
#ifndef KAIRAN_CMD_H
#define KAIRAN_CMD_H

#include "cli.h"

extern const struct cli_cmd cmd_whoami;
extern const struct cli_cmd cmd_circles;
extern const struct cli_cmd cmd_post;
extern const struct cli_cmd cmd_get;
extern const struct cli_cmd cmd_history;
extern const struct cli_cmd cmd_subscribe;

#endif
