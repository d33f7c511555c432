/*
 * demo.h - `kairan-hub --demo`: a small Japanese ISAC landscape seeded into
 * an empty store, and a walkthrough that shows the commands to try.
 */
#ifndef KR_DEMO_H
#define KR_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kr_error.h"
#include "store.h"

/*
 * Seed the demo when the store holds no organisation yet; otherwise do
 * nothing and set *seeded to false. Seeding creates, in one transaction,
 * five organisations (sakura-bank, fuji-shoken, kanto-denryoku,
 * isac-jimukyoku, yokohama-seisakusho) with Japanese and English names,
 * domains and a person; four circles (fin-isac, energy-isac,
 * kanagawa-community, public) with their members; six users with roles;
 * and one token per user, written to DATA/demo-tokens/USER.token
 * (directory 0700, files 0600, created exclusively, content token + "\n").
 * Only the tokens' hashes go into the store. Sets *seeded to true.
 *
 * On failure nothing is kept (store rolled back, token files removed), err
 * gets a message for people, and the result is the store's error.
 * Borrows st and data_dir.
 */
enum kr_err demo_seed(struct kr_store *st, const char *data_dir, bool *seeded, char *err,
                      size_t errlen);

/*
 * Print the walkthrough to out: who is in which circle, and the exact
 * client commands for a subscriber, a poster and a refused outsider,
 * against ws[s]://host:port (tls: wss:// and --ca DATA/tls/cert.pem).
 * client_cmd is how to run the client (e.g. "kairan" or a path). When
 * seeded is true (the tokens were just made), also prints each user's
 * token once, read back from DATA/demo-tokens/. Borrows every argument.
 */
void demo_print(FILE *out, const char *data_dir, const char *host, int port, bool tls,
                const char *client_cmd, bool seeded);

#endif
