/*
 * cmd.h - the `kairan` subcommands, one struct cli_cmd each, listed in
 * main.c's dispatch table.
 *
 *	cmd_whoami.c     whoami, circles
 *	cmd_roster.c     roster
 *	cmd_post.c       post
 *	cmd_get.c        get, history
 *	cmd_subscribe.c  subscribe
 *	cmd_share.c      forward, retract
 *	cmd_request.c    request, requests, decide
 *	cmd_moderate.c   moderate (list, show, approve, reject, edit)
 *	cmd_sight.c      sight, lookup
 *	cmd_export.c     export stix
 *	cmd_import.c     import stix
 *	cmd_search.c     search
 *	cmd_assess.c     assess (submit, mine, benchmark)
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
extern const struct cli_cmd cmd_roster;
extern const struct cli_cmd cmd_forward;
extern const struct cli_cmd cmd_retract;
extern const struct cli_cmd cmd_request;
extern const struct cli_cmd cmd_requests;
extern const struct cli_cmd cmd_decide;
extern const struct cli_cmd cmd_moderate;
extern const struct cli_cmd cmd_sight;
extern const struct cli_cmd cmd_lookup;
extern const struct cli_cmd cmd_export;
extern const struct cli_cmd cmd_import;
extern const struct cli_cmd cmd_search;
extern const struct cli_cmd cmd_assess;

#endif
