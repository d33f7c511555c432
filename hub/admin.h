/*
 * admin.h - `kairan-hub admin ...`: manage organisations, users, tokens,
 * circles, memberships and roles in DATA/kairan.db from the host's shell,
 * whether or not the hub is running (a running hub picks the changes up by
 * itself through PRAGMA data_version).
 */
#ifndef KR_ADMIN_H
#define KR_ADMIN_H

/*
 * Run one admin command. argv[0] is "admin"; the rest is the command line
 * after it (see `kairan-hub admin --help`). Prints results on stdout,
 * confirmations and errors on stderr, and returns the process exit code:
 * 0 ok, 2 usage, otherwise kr_err_exit() of the failure (5 not found,
 * 6 invalid or duplicate, 7 store error). Borrows argv.
 */
int admin_main(int argc, char **argv);

#endif
