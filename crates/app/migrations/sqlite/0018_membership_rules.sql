-- The regulation's membership rules ask where a person stands in their household and
-- what they work as (unknown: the rule warns), and the DTSEN decile of the latest
-- extract the office imported (none: not in it, or no extract yet).
ALTER TABLE persons ADD COLUMN household_role TEXT;
ALTER TABLE persons ADD COLUMN occupation TEXT;
ALTER TABLE persons ADD COLUMN dtsen_decile INTEGER;
ALTER TABLE persons ADD COLUMN dtsen_period TEXT;
-- "Has an extract been imported?" is asked whenever a member joins: an index answers it.
CREATE INDEX persons_dtsen_period ON persons(dtsen_period);

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
