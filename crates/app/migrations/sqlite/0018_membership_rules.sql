-- The regulation's membership rules ask where a person stands in their household and
-- what they work as (unknown: the rule warns), and their DTSEN decile: the decile, period
-- and import of the last extract that listed them. A person is in DTSEN when that import
-- is the latest; otherwise "not in DTSEN" for its period — so an import writes only the
-- persons it lists.
ALTER TABLE persons ADD COLUMN household_role TEXT;
ALTER TABLE persons ADD COLUMN occupation TEXT;
ALTER TABLE persons ADD COLUMN dtsen_decile INTEGER;
ALTER TABLE persons ADD COLUMN dtsen_period TEXT;
ALTER TABLE persons ADD COLUMN dtsen_import INTEGER;

-- The DTSEN extracts imported, the latest last.
CREATE TABLE dtsen_imports (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    rows_matched INTEGER NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    at TEXT NOT NULL
);

-- A refusal of a membership rule an officer chose to override, with the reason: shown on
-- the KUBE's page and in the audit trail.
CREATE TABLE kube_member_exceptions (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX kube_member_exceptions_kube ON kube_member_exceptions(kube_id);
