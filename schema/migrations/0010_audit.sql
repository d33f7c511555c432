-- kairan store, version 10: the audit trail.
--
-- Append-only and hash-chained (hub/audit_chain.h): hash is SHA-256 over a
-- canonical form of (seq, time, actor, action, subject, detail, prev_hash),
-- prev_hash is the hash of entry seq - 1 (64 zeros for entry 1), so editing,
-- deleting, inserting or reordering entries is detected by
-- `kairan-hub admin audit verify`. The triggers stop the hub and admin
-- commands from changing entries by mistake; they are no defence against
-- someone who can write the file (the chain is). meta 'audit_seq' counts the
-- entries written, in the same transaction, so cutting off the newest ones
-- is detected too.
--
-- actor: 'user:<id>', 'anonymous' or 'admin'. detail: JSON with ids,
-- circle, kind, TLP, decision and counts only, never an item's content or
-- anything the anonymiser would remove.
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL DEFAULT '',
  detail    TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (time);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

INSERT INTO meta (key, value) VALUES ('audit_seq', 0);
