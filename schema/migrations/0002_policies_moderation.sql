-- kairan store, version 2: forwarding, moderation, retraction, permission
-- requests, and a policy epoch that `kairan-hub admin policy reload` bumps so
-- a running hub re-reads circle policies.

ALTER TABLE items ADD COLUMN forwarded_from TEXT;  -- original item id of a forwarded copy
ALTER TABLE items ADD COLUMN status_reason TEXT;   -- moderator's reason (reject/approve)
ALTER TABLE items ADD COLUMN created_at INTEGER;   -- seconds since the epoch (retention)
UPDATE items SET created_at = CAST(strftime('%s', created) AS INTEGER);

CREATE INDEX items_by_author ON items (author_user_id, circle_id, created_at);
CREATE INDEX items_pending ON items (circle_id, status, cursor);

-- A reader's request that an item's author forward it or lower its TLP.
-- Neither side ever sees the other's identity; only the hub joins them.
CREATE TABLE permission_requests (
  id                TEXT PRIMARY KEY,                -- "pr_" + 16 hex
  item_cursor       INTEGER NOT NULL REFERENCES items(cursor) ON DELETE CASCADE,
  requester_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  action            TEXT NOT NULL CHECK (action IN ('forward', 'lower_tlp')),
  to_circle_id      INTEGER REFERENCES circles(id) ON DELETE CASCADE,
  tlp               TEXT CHECK (tlp IS NULL OR tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT')),
  reason            TEXT,
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'refused')),
  decision_reason   TEXT,
  created           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX requests_by_item ON permission_requests (item_cursor);
CREATE INDEX requests_by_requester ON permission_requests (requester_user_id);

-- Hub-wide counters and switches written by admin commands.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('policy_epoch', 0);
