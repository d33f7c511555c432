-- kairan store: practice reports and full-text search.
--
-- A practice item carries its fields (directive, industry, size band,
-- readers, level, situation, steps, outcome, references) as one JSON object,
-- scrubbed like the body before it is stored.
--
-- items_fts indexes the title, body, tags and practice texts of published
-- items with FTS5's trigram tokenizer (substrings of three or more
-- characters, Japanese included, no dictionary). Its rowid is the item's
-- cursor. Triggers keep it in step with items inside the very statement (and
-- so the transaction) that changes an item: insert, moderators' edits,
-- status changes (approval, rejection, retraction) and the republication
-- under a fresh cursor (a copy inserted, the old row deleted). Only
-- published items are in it, and only text as stored: items are scrubbed
-- before they are stored, so the index never holds what anonymisation
-- removed. Who may see a match is decided per reader by hub/reader.c.

ALTER TABLE items ADD COLUMN practice TEXT;  -- JSON, kind practice only

CREATE VIRTUAL TABLE items_fts USING fts5(
  title, body, tags, situation, steps, outcome,
  tokenize = 'trigram'
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items
WHEN new.status = 'published'
BEGIN
  INSERT INTO items_fts (rowid, title, body, tags, situation, steps, outcome)
  VALUES (new.cursor, new.title, new.body,
          (SELECT group_concat(value, ' ') FROM json_each(new.tags)),
          json_extract(new.practice, '$.situation'),
          json_extract(new.practice, '$.steps'),
          json_extract(new.practice, '$.outcome'));
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF status, title, body, tags, practice ON items
BEGIN
  DELETE FROM items_fts WHERE rowid = old.cursor;
  INSERT INTO items_fts (rowid, title, body, tags, situation, steps, outcome)
  SELECT new.cursor, new.title, new.body,
         (SELECT group_concat(value, ' ') FROM json_each(new.tags)),
         json_extract(new.practice, '$.situation'),
         json_extract(new.practice, '$.steps'),
         json_extract(new.practice, '$.outcome')
  WHERE new.status = 'published';
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items
BEGIN
  DELETE FROM items_fts WHERE rowid = old.cursor;
END;

-- Items published before this migration.
INSERT INTO items_fts (rowid, title, body, tags, situation, steps, outcome)
SELECT cursor, title, body, (SELECT group_concat(value, ' ') FROM json_each(items.tags)),
       NULL, NULL, NULL
FROM items WHERE status = 'published';
