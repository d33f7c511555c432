-- kairan store, version 5: correlation and sightings (issue 5).
--
-- item_indicators indexes every stored item's indicators by (type, value),
-- so "which other items carry this indicator" is one index lookup. Values
-- are the normalised forms stored in items.indicators. Triggers keep it in
-- step with every write to items (insert, moderator edit, republish under a
-- fresh cursor, delete), whatever module performs it; who may count which of
-- these items is decided by the read gate (hub/reader.c), never here.
CREATE TABLE item_indicators (
  item_cursor INTEGER NOT NULL REFERENCES items(cursor) ON DELETE CASCADE,
  type        TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (item_cursor, type, value)
) WITHOUT ROWID;
CREATE INDEX item_indicators_by_value ON item_indicators (type, value, item_cursor);

INSERT OR IGNORE INTO item_indicators (item_cursor, type, value)
  SELECT i.cursor, json_extract(j.value, '$.type'), json_extract(j.value, '$.value')
  FROM items i, json_each(i.indicators) j;

CREATE TRIGGER items_indicators_insert AFTER INSERT ON items BEGIN
  INSERT OR IGNORE INTO item_indicators (item_cursor, type, value)
    SELECT NEW.cursor, json_extract(j.value, '$.type'), json_extract(j.value, '$.value')
    FROM json_each(NEW.indicators) j;
END;

CREATE TRIGGER items_indicators_update AFTER UPDATE OF indicators, cursor ON items BEGIN
  DELETE FROM item_indicators WHERE item_cursor = OLD.cursor;
  INSERT OR IGNORE INTO item_indicators (item_cursor, type, value)
    SELECT NEW.cursor, json_extract(j.value, '$.type'), json_extract(j.value, '$.value')
    FROM json_each(NEW.indicators) j;
END;

CREATE TRIGGER items_indicators_delete AFTER DELETE ON items BEGIN
  DELETE FROM item_indicators WHERE item_cursor = OLD.cursor;
END;

-- Sightings: a member organisation reports that it saw an indicator (or that
-- it is a false positive) to one circle. One row per report; readers only
-- ever get aggregates over at least the circle policy's k organisations
-- (hub/sighting.c). user_id is kept for the audit trail and never leaves.
CREATE TABLE sightings (
  id             INTEGER PRIMARY KEY,
  circle_id      INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  org_id         INTEGER NOT NULL,
  user_id        INTEGER NOT NULL,
  type           TEXT NOT NULL,
  value          TEXT NOT NULL,
  false_positive INTEGER NOT NULL DEFAULT 0 CHECK (false_positive IN (0, 1)),
  created_at     INTEGER NOT NULL  -- seconds since the epoch
);
CREATE INDEX sightings_by_value ON sightings (type, value, circle_id, org_id);
