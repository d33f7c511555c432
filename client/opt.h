/*
 * opt.h - a small table-driven parser for long command-line options.
 *
 * Accepts "--name", "--name VALUE", "--name=VALUE" and one-letter aliases
 * ("-h"). "--" ends the options; "-" alone is an operand (standard input).
 * Unlike getopt it keeps no global state, so the global options and each
 * subcommand's options are parsed with separate iterators.
 */
#ifndef KAIRAN_OPT_H
#define KAIRAN_OPT_H

#include <stdbool.h>
#include <stddef.h>

struct opt_spec {
	const char *name; /* long name without the leading "--" */
	char alias;       /* one-letter alias used as "-x", or 0 */
	bool has_arg;     /* takes a value */
	int id;           /* returned by opt_next(); must be > 0 */
};

enum {
	OPT_DONE = 0,     /* no arguments left */
	OPT_OPERAND = -1, /* an argument that is not an option */
	OPT_ERROR = -2,   /* unknown option, or missing / unexpected value */
};

struct opt_iter {
	int argc;
	char **argv; /* borrowed */
	int ind;     /* index of the next argument to look at */
	bool operands_only;
};

/* Number of entries of an opt_spec table. */
#define OPT_COUNT(spec) (sizeof(spec) / sizeof((spec)[0]))

/* Start iterating over argv[first..argc). */
void opt_init(struct opt_iter *it, int argc, char **argv, int first);

/*
 * Return the next option's id, with *arg its value (borrowed from argv; NULL
 * when it takes none), or OPT_OPERAND with *arg the operand, or OPT_DONE.
 * On OPT_ERROR, err says what was wrong and *arg is the offending argument.
 */
int opt_next(struct opt_iter *it, const struct opt_spec *spec, size_t n, const char **arg,
             char *err, size_t errlen);

#endif
