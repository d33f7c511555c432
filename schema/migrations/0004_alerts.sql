-- kairan store, version 4: alerts carry severity, references, affected
-- products and a recommended action, kept as one JSON object.
ALTER TABLE items ADD COLUMN alert TEXT;  -- JSON {severity, references?, affected_products?, recommended_action?}
