/*
 * push.h - the hub's pushes other than `deliver` (PROTOCOL.md, "Hub to
 * client"): `retraction` and `notice`, told to people as one line each.
 */
#ifndef KAIRAN_PUSH_H
#define KAIRAN_PUSH_H

#include <jansson.h>
#include <stdio.h>

/*
 * Write one line about a `retraction` or `notice` push (borrowed) to f,
 * e.g. "retracted it_5f2c9a0d1e7b4c21" or "notice: it_5f2c9a0d1e7b4c21 is
 * now published: masked names". Strings from the hub go through
 * cli_print_text(). Any other message writes nothing.
 */
void push_describe(FILE *f, const json_t *msg);

#endif
