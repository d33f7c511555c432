-- kairan store: client certificates that authenticate users (mutual TLS).
--
-- A certificate is known only by the SHA-256 fingerprint of its DER form
-- (lower-case hex), registered to one user with `kairan-hub admin user cert
-- USER add FILE.pem`. The hub verifies the certificate itself against
-- tls_client_ca during the TLS handshake; a row here only says which user a
-- verified certificate is. Removing the row (or the user: ON DELETE
-- CASCADE) ends the sessions that authenticated with it. subject and
-- not_after are kept for people (`user cert USER list`) and for closing a
-- session when its certificate expires.
CREATE TABLE user_certs (
  fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  subject     TEXT NOT NULL,
  not_after   TEXT NOT NULL,  -- YYYY-MM-DDTHH:MM:SSZ
  created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX user_certs_by_user ON user_certs (user_id);
