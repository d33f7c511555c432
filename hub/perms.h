/*
 * perms.h - the hub's private files stay private: the data directory (the
 * store holds token hashes, the pseudonym secret and every report) and the
 * TLS private key must not be open to group or others. The hub refuses to
 * start otherwise, naming the path and the command that fixes it, and
 * creates what it creates itself with owner-only modes (umask 077).
 */
#ifndef KR_PERMS_H
#define KR_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The process umask for everything the hub and admin commands create. */
#define KR_UMASK 077

/*
 * Check that path (a directory when dir) grants nothing to group or
 * others. A missing path is fine unless must_exist. false with a message
 * for people in err ("... run: chmod 700 PATH") otherwise. what names the
 * file in the message ("the data directory").
 */
bool perms_private(const char *path, const char *what, bool dir, bool must_exist, char *err,
                   size_t errlen);

/* The message part for a mode that is too open, e.g. "readable and
 * writable by others" for 0646; "" when mode grants nothing to group or
 * others. Pure, for the tests. */
const char *perms_describe(mode_t mode, char *buf, size_t len);

#endif
