-- kairan store: regional events and study groups (issue 7).
--
-- An event is an item of kind `event` whose `event` column holds its details
-- as readers see them (JSON: prefecture, venue, local start and end with
-- their time zone and UTC, audience, capacity, fee, CPE credits, language,
-- registration deadline, organiser, contact, status, sequence). The `events`
-- table indexes those details by the item's public id (stable across
-- republication under a fresh cursor) for listing, RSVPs and reminders;
-- triggers keep it in step with every write to items.event, whatever module
-- performs it. Who may see an event is decided by the read gate
-- (hub/reader.c), never here.

ALTER TABLE items ADD COLUMN event TEXT;  -- JSON, events only

CREATE TABLE events (
  item_id      TEXT PRIMARY KEY,            -- items.id
  prefecture   TEXT NOT NULL,               -- JP-01 .. JP-47, or online
  start_utc    INTEGER NOT NULL,            -- seconds since the epoch
  end_utc      INTEGER NOT NULL,
  deadline_utc INTEGER,                     -- registration deadline, or NULL
  audience     TEXT NOT NULL CHECK (audience IN ('technical', 'executive', 'mixed')),
  capacity     INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),  -- 0: unlimited
  cancelled    INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  sequence     INTEGER NOT NULL DEFAULT 0   -- iCalendar SEQUENCE: up on every change
);
CREATE INDEX events_by_start ON events (start_utc);
CREATE INDEX events_by_prefecture ON events (prefecture, start_utc);

CREATE TRIGGER items_event_insert AFTER INSERT ON items WHEN NEW.event IS NOT NULL BEGIN
  INSERT INTO events (item_id, prefecture, start_utc, end_utc, deadline_utc, audience, capacity,
                      cancelled, sequence)
  VALUES (NEW.id, json_extract(NEW.event, '$.prefecture'),
          CAST(strftime('%s', json_extract(NEW.event, '$.start_utc')) AS INTEGER),
          CAST(strftime('%s', json_extract(NEW.event, '$.end_utc')) AS INTEGER),
          CAST(strftime('%s', json_extract(NEW.event, '$.registration_deadline_utc')) AS INTEGER),
          json_extract(NEW.event, '$.audience'),
          coalesce(json_extract(NEW.event, '$.capacity'), 0),
          json_extract(NEW.event, '$.status') = 'cancelled',
          coalesce(json_extract(NEW.event, '$.sequence'), 0))
  ON CONFLICT (item_id) DO UPDATE SET
    prefecture = excluded.prefecture, start_utc = excluded.start_utc,
    end_utc = excluded.end_utc, deadline_utc = excluded.deadline_utc,
    audience = excluded.audience, capacity = excluded.capacity,
    cancelled = excluded.cancelled, sequence = excluded.sequence;
END;

CREATE TRIGGER items_event_update AFTER UPDATE OF event ON items WHEN NEW.event IS NOT NULL BEGIN
  INSERT INTO events (item_id, prefecture, start_utc, end_utc, deadline_utc, audience, capacity,
                      cancelled, sequence)
  VALUES (NEW.id, json_extract(NEW.event, '$.prefecture'),
          CAST(strftime('%s', json_extract(NEW.event, '$.start_utc')) AS INTEGER),
          CAST(strftime('%s', json_extract(NEW.event, '$.end_utc')) AS INTEGER),
          CAST(strftime('%s', json_extract(NEW.event, '$.registration_deadline_utc')) AS INTEGER),
          json_extract(NEW.event, '$.audience'),
          coalesce(json_extract(NEW.event, '$.capacity'), 0),
          json_extract(NEW.event, '$.status') = 'cancelled',
          coalesce(json_extract(NEW.event, '$.sequence'), 0))
  ON CONFLICT (item_id) DO UPDATE SET
    prefecture = excluded.prefecture, start_utc = excluded.start_utc,
    end_utc = excluded.end_utc, deadline_utc = excluded.deadline_utc,
    audience = excluded.audience, capacity = excluded.capacity,
    cancelled = excluded.cancelled, sequence = excluded.sequence;
END;

-- RSVPs. seq is the order of arrival: the waitlist is served in seq order.
-- The capacity is enforced by the statement that inserts a row (one INSERT
-- ... SELECT counting the attending rows, inside BEGIN IMMEDIATE), so no
-- interleaving of writers can overbook. reminded_start is the start_utc a
-- reminder was sent for: a moved event is reminded again, nothing twice.
CREATE TABLE event_rsvps (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id        TEXT NOT NULL REFERENCES events(item_id) ON DELETE CASCADE,
  user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status         TEXT NOT NULL CHECK (status IN ('attending', 'waitlisted')),
  created_at     INTEGER NOT NULL,
  reminded_start INTEGER,
  UNIQUE (item_id, user_id)
);
CREATE INDEX event_rsvps_by_event ON event_rsvps (item_id, status, seq);
CREATE INDEX event_rsvps_by_user ON event_rsvps (user_id);

-- Event notices for people who were not connected when they happened
-- (update, cancellation, promotion from the waitlist, reminder): delivered
-- on their next authentication, unless expired by then (a reminder at the
-- event's start, the others at its end).
CREATE TABLE event_notices (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  item_id    TEXT NOT NULL,
  event      TEXT NOT NULL CHECK (event IN ('event_updated', 'event_cancelled',
                                            'rsvp_promoted', 'event_reminder')),
  reason     TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  delivered  INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1))
);
CREATE INDEX event_notices_pending ON event_notices (user_id, delivered);

-- The regional help directory: standing resources per prefecture
-- (consultation desks, expert dispatch programmes, police cybercrime
-- contacts, universities), listed by a circle's organisers and shown beside
-- that prefecture's events. added_by never leaves the hub.
CREATE TABLE resources (
  id          TEXT PRIMARY KEY,             -- "rs_" + 16 hex
  circle_id   INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  prefecture  TEXT NOT NULL,                -- JP-01 .. JP-47
  kind        TEXT NOT NULL CHECK (kind IN ('consultation', 'dispatch', 'police',
                                            'university', 'other')),
  name        TEXT NOT NULL,
  description TEXT,
  contact     TEXT,
  url         TEXT,
  added_by    INTEGER NOT NULL,
  created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX resources_by_prefecture ON resources (prefecture, kind);
