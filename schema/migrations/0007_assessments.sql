-- kairan store, migration 0007: self-assessments against the 10 directives
-- of the Cybersecurity Management Guidelines v3.0, per organisation and
-- circle. Every submission is kept (the organisation's own history); the
-- newest one of an organisation in a circle is its current assessment.
--
-- Only hub/store_assess.c reads or writes this table
-- (tests/structure/test_assess_private.py): individual rows go to their own
-- organisation or into hub/bench.c's aggregates, nowhere else.

CREATE TABLE assessments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  circle_id    INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  -- Audit: the user who submitted it. Not a foreign key, so the record
  -- survives the user's removal; shown to nobody but its own organisation.
  submitted_by INTEGER NOT NULL,
  submitted_at INTEGER NOT NULL,  -- seconds since the epoch
  current      INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
  maturity     TEXT NOT NULL CHECK (maturity IN ('A', 'B', 'C')),
  sector       TEXT NOT NULL,     -- common/model.c sector codes, checked by the hub
  -- Scores in tenths: 1.0 .. 5.0 is 10 .. 50, so sums are exact.
  d1  INTEGER NOT NULL CHECK (d1  BETWEEN 10 AND 50),
  d2  INTEGER NOT NULL CHECK (d2  BETWEEN 10 AND 50),
  d3  INTEGER NOT NULL CHECK (d3  BETWEEN 10 AND 50),
  d4  INTEGER NOT NULL CHECK (d4  BETWEEN 10 AND 50),
  d5  INTEGER NOT NULL CHECK (d5  BETWEEN 10 AND 50),
  d6  INTEGER NOT NULL CHECK (d6  BETWEEN 10 AND 50),
  d7  INTEGER NOT NULL CHECK (d7  BETWEEN 10 AND 50),
  d8  INTEGER NOT NULL CHECK (d8  BETWEEN 10 AND 50),
  d9  INTEGER NOT NULL CHECK (d9  BETWEEN 10 AND 50),
  d10 INTEGER NOT NULL CHECK (d10 BETWEEN 10 AND 50)
);

-- One current assessment per organisation per circle, enforced by the store.
CREATE UNIQUE INDEX assessments_current ON assessments (circle_id, org_id) WHERE current = 1;
CREATE INDEX assessments_by_org ON assessments (circle_id, org_id, id);
