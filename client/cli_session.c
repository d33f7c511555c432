/*
 * cli_session.c - the `kairan` session with the hub: find the token, check
 * the URL, CA file and client certificate, connect, authenticate (with the
 * token, or the client certificate when only --cert is given, or stay
 * anonymous for the read commands when neither is given), and turn
 * replies, hub errors and network failures into exit codes (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "url.h"
#include "utf8.h"

/*
 * Read the token from the first line of path into a malloc'd string in
 * *token, without surrounding whitespace. Returns 0 or the exit code.
 */
static int cli_token_read(const char *path, char **token)
{
	FILE *f = NULL;
	struct stat st;
	char *line = NULL;
	size_t cap = 0, start = 0, end;
	ssize_t n;
	int rc = KR_EXIT_USAGE;

	f = fopen(path, "r");
	if (!f) {
		cli_error("cannot read the token file %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
		cli_warn("the token file %s can be read by other users; chmod 600 it", path);
	n = getline(&line, &cap, f);
	if (n < 0 && ferror(f)) {
		cli_error("cannot read the token file %s: %s", path, strerror(errno));
		goto out;
	}
	end = n > 0 ? (size_t)n : 0;
	while (end > 0 && strchr(" \t\r\n\v\f", line[end - 1]))
		end--;
	while (start < end && strchr(" \t\r\n\v\f", line[start]))
		start++;
	if (start == end) {
		cli_error("no token in %s: its first line is empty", path);
		rc = KR_EXIT_AUTH;
		goto out;
	}
	if (!kr_utf8_valid(line + start, end - start)) {
		cli_error("the token in %s is not valid UTF-8 text", path);
		goto out;
	}
	line[end] = '\0';
	memmove(line, line + start, end - start + 1);
	*token = line;
	line = NULL;
	rc = KR_EXIT_OK;
out:
	free(line);
	if (f)
		fclose(f);
	return rc;
}

/* The token to send, from --token, --token-file or KAIRAN_TOKEN, in that order. */
static int cli_token_find(const struct cli *cli, char **token)
{
	const char *t = cli->token ? cli->token : cli->token_file ? NULL : cli->env_token;

	*token = NULL;
	if (!t && cli->token_file)
		return cli_token_read(cli->token_file, token);
	if (!t || !*t) {
		cli_error("no token: use --token, --token-file or KAIRAN_TOKEN");
		return KR_EXIT_AUTH;
	}
	if (!kr_utf8_valid(t, strlen(t))) {
		cli_error("the token is not valid UTF-8 text");
		return KR_EXIT_USAGE;
	}
	*token = strdup(t);
	if (!*token) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	return KR_EXIT_OK;
}

/* Whether the clear-text warning was given: once per process (subscribe --follow reconnects). */
static int cli_warned_clear;

/*
 * Check the client certificate and key before connecting, so that a wrong
 * file gets a message naming it rather than a TLS failure. An expired
 * certificate is only warned about: the hub decides. Returns 0 or the
 * exit code (usage) after printing why.
 */
static int cli_check_cert(const struct cli *cli)
{
	const char *keyfile = cli->key ? cli->key : cli->cert;
	FILE *f = NULL;
	X509 *x = NULL;
	EVP_PKEY *pk = NULL;
	int rc = KR_EXIT_USAGE;

	f = fopen(cli->cert, "r");
	if (!f) {
		cli_error("cannot read the client certificate %s: %s", cli->cert, strerror(errno));
		goto out;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		cli_error("%s holds no PEM certificate", cli->cert);
		goto out;
	}
	f = fopen(keyfile, "r");
	if (!f) {
		cli_error("cannot read the private key %s: %s", keyfile, strerror(errno));
		goto out;
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!pk) {
		cli_error("%s holds no PEM private key (an encrypted key is not supported)%s",
		          keyfile, cli->key ? "" : "; give it with --key FILE");
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		cli_error("the key %s does not belong to the certificate %s", keyfile, cli->cert);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)
		cli_warn("the client certificate %s has expired; the hub will refuse it",
		         cli->cert);
	rc = KR_EXIT_OK;
out:
	ERR_clear_error();
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

/* Usage problems with --url, --ca and --cert, found before any connection is made. */
static int cli_check_target(const struct cli *cli)
{
	struct url u;
	char err[CONN_ERR_MAX];

	if (!url_parse(cli->url, &u, err, sizeof(err))) {
		cli_error("%s", err);
		return KR_EXIT_USAGE;
	}
	if (u.tls && cli->ca && access(cli->ca, R_OK) != 0) {
		cli_error("cannot read the CA file %s: %s", cli->ca, strerror(errno));
		return KR_EXIT_USAGE;
	}
	if (cli->cert && !u.tls) {
		cli_error("--cert needs a wss:// URL: a client certificate is presented in TLS");
		return KR_EXIT_USAGE;
	}
	if (cli->cert && cli_check_cert(cli) != KR_EXIT_OK)
		return KR_EXIT_USAGE;
	if (!u.tls && strcmp(u.host, "localhost") != 0 && strncmp(u.host, "127.", 4) != 0 &&
	    strcmp(u.host, "::1") != 0 && !cli_warned_clear++)
		cli_warn("%s is not encrypted: your token and reports travel in clear text",
		         cli->url);
	return KR_EXIT_OK;
}

bool cli_token_given(const struct cli *cli)
{
	return cli->token || cli->token_file || (cli->env_token && *cli->env_token);
}

int cli_anonymous_hint(const struct cli *cli, int rc)
{
	if ((rc == KR_EXIT_AUTH || rc == KR_EXIT_FORBIDDEN) && !cli_token_given(cli) && !cli->cert)
		cli_error("no token was given: without one, only public CLEAR items can be read "
		          "(use --token, --token-file or KAIRAN_TOKEN)");
	return rc;
}

/*
 * Connect and, unless anonymous, authenticate: with the token when one is
 * given, else with the client certificate (--cert: `auth` without a
 * token). With neither, anonymous decides: an anonymous session (true) or
 * exit 3 (false).
 */
static int cli_session_start(const struct cli *cli, bool anonymous, struct conn **conn)
{
	struct conn *c = NULL;
	char *token = NULL, err[CONN_ERR_MAX];
	json_t *ok = NULL;
	bool by_cert;
	int rc;

	*conn = NULL;
	rc = cli_check_target(cli);
	if (rc)
		goto out;
	anonymous = anonymous && !cli_token_given(cli) && !cli->cert;
	by_cert = cli->cert && !cli_token_given(cli);
	rc = anonymous || by_cert ? KR_EXIT_OK : cli_token_find(cli, &token);
	if (rc)
		goto out;
	if (conn_open_cert(cli->url, cli->ca, cli->insecure, cli->cert, cli->key, CLI_CONNECT_MS,
	                   cli->intr, &c, err) != CONN_OK) {
		if (!(cli->intr && *cli->intr))
			cli_error("%s", err);
		rc = KR_EXIT_SERVER;
		goto out;
	}
	if (by_cert)
		rc = cli_call(c, json_pack("{s:s}", "type", "auth"), "auth_ok", &ok);
	else if (!anonymous)
		rc = cli_call(c, json_pack("{s:s, s:s}", "type", "auth", "token", token), "auth_ok",
		              &ok);
	if (rc)
		goto out;
	*conn = c;
	c = NULL;
out:
	json_decref(ok);
	conn_close(c);
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	return rc;
}

int cli_session_open(const struct cli *cli, struct conn **conn)
{
	return cli_session_start(cli, false, conn);
}

int cli_session_open_reader(const struct cli *cli, struct conn **conn)
{
	return cli_session_start(cli, true, conn);
}

int cli_request(const struct cli *cli, json_t *req, const char *expect, json_t **reply)
{
	struct conn *c = NULL;
	int rc;

	*reply = NULL;
	rc = cli_session_open(cli, &c);
	if (rc) {
		json_decref(req);
		goto out;
	}
	rc = cli_call(c, req, expect, reply);
out:
	conn_close(c);
	return rc;
}

int cli_call(struct conn *conn, json_t *req, const char *expect, json_t **reply)
{
	json_t *r = NULL;
	const char *type;
	enum conn_status st;
	int rc = KR_EXIT_SERVER;

	*reply = NULL;
	if (!req) {
		cli_error("out of memory");
		goto out;
	}
	st = conn_request(conn, req, &r, CLI_REPLY_MS);
	if (st == CONN_EINTR)
		goto out; /* the caller raised the flag and knows why */
	if (st != CONN_OK) {
		rc = cli_conn_error(conn);
		goto out;
	}
	type = json_string_value(json_object_get(r, "type"));
	if (strcmp(type, "error") == 0) {
		rc = cli_server_error(r);
		goto out;
	}
	if (strcmp(type, expect) != 0) {
		cli_error("the hub answered '%.64s' where '%s' was expected", type, expect);
		goto out;
	}
	*reply = r;
	r = NULL;
	rc = KR_EXIT_OK;
out:
	json_decref(r);
	json_decref(req);
	return rc;
}
