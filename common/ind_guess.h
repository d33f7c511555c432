/*
 * ind_guess.h - which indicator type a bare value most likely is, so that
 * `kairan sight 198.51.100.7` needs no --type.
 *
 * A guess from the value's shape only (defanged forms included: hxxp, [.],
 * (dot), [@]); it does not validate. The hub validates and normalises what
 * it is sent, and the user can always say --type.
 */
#ifndef KR_IND_GUESS_H
#define KR_IND_GUESS_H

#include "model.h"

/* The type value looks like, or KR_IND_NONE when it looks like none. */
enum kr_ind_type kr_ind_guess_type(const char *value);

#endif
