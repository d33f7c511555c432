-- kairan store, version 1: directory (organisations, users, tokens, circles,
-- memberships, roles), items and durable subscription cursors.
-- Applied once, inside a transaction, by hub/store.c; PRAGMA user_version
-- records the newest applied migration.

CREATE TABLE orgs (
  id        INTEGER PRIMARY KEY,
  key       TEXT NOT NULL UNIQUE,
  industry  TEXT,
  employees INTEGER CHECK (employees IS NULL OR employees >= 0),
  created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- What identifies an organisation: registered names, domains, people.
-- Used by the anonymisation engine to scrub items before they leave.
CREATE TABLE org_terms (
  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  kind   TEXT NOT NULL CHECK (kind IN ('name', 'domain', 'person')),
  value  TEXT NOT NULL,
  PRIMARY KEY (org_id, kind, value)
);

CREATE TABLE users (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  org_id  INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Tokens are stored only as SHA-256 hashes.
CREATE TABLE tokens (
  id      INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash    BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE circles (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('sector', 'cross-sector', 'regional', 'public')),
  name        TEXT,
  policy_file TEXT
);

-- Member organisations of a circle.
CREATE TABLE circle_orgs (
  circle_id INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  org_id    INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  PRIMARY KEY (circle_id, org_id)
);

-- Explicit roles. A user of a member organisation without a row here is a
-- 'member'; a row for a user whose organisation is not a member grants nothing.
CREATE TABLE circle_roles (
  circle_id INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role      TEXT NOT NULL CHECK (role IN ('member', 'moderator', 'organizer', 'observer')),
  PRIMARY KEY (circle_id, user_id)
);

-- Items. cursor is the hub-wide monotonic position used by history, acks and
-- resume. Authors are kept by id only and never leave the hub.
CREATE TABLE items (
  cursor         INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT NOT NULL UNIQUE,
  kind           TEXT NOT NULL,
  circle_id      INTEGER NOT NULL REFERENCES circles(id),
  tlp            TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  status         TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'retracted')),
  title          TEXT NOT NULL,
  body           TEXT NOT NULL,
  indicators     TEXT NOT NULL DEFAULT '[]',
  tags           TEXT NOT NULL DEFAULT '[]',
  author_user_id INTEGER NOT NULL,
  author_org_id  INTEGER NOT NULL,
  created        TEXT NOT NULL
);
CREATE INDEX items_by_circle ON items (circle_id, cursor);

-- Named recipients of RED items.
CREATE TABLE item_recipients (
  item_cursor INTEGER NOT NULL REFERENCES items(cursor) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL,
  PRIMARY KEY (item_cursor, user_id)
);

-- Durable subscriptions: the last cursor a user acknowledged under a name.
CREATE TABLE sub_cursors (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  cursor  INTEGER NOT NULL,
  PRIMARY KEY (user_id, name)
);
