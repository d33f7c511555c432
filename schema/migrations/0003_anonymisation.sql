-- kairan store, version 3: anonymisation. Items carry the pseudonym and the
-- coarsened organisation profile readers see; organisations get a region;
-- the hub keeps its secrets (the key of stable per-circle pseudonyms).

ALTER TABLE orgs ADD COLUMN region TEXT;              -- ISO 3166-2:JP, e.g. JP-14
ALTER TABLE items ADD COLUMN pseudonym TEXT;          -- "anon-" + 8 hex
ALTER TABLE items ADD COLUMN profile TEXT;            -- JSON {industry?, size?, region?}

-- Items stored before anonymisation existed get an unlinkable pseudonym.
UPDATE items SET pseudonym = 'anon-' || lower(hex(randomblob(4))) WHERE pseudonym IS NULL;

-- Created on first use by the hub from OpenSSL's RNG; never leaves the hub.
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
