-- A merged person stays as a retired record pointing at the one kept.
ALTER TABLE persons ADD COLUMN merged_into BIGINT REFERENCES persons(id);
ALTER TABLE persons ADD COLUMN merged_at TEXT;
CREATE INDEX persons_merged_into ON persons(merged_into) WHERE merged_into IS NOT NULL;

-- Pairs an operator judged to be two different people; never proposed again.
CREATE TABLE person_distinct (
    person_a BIGINT NOT NULL REFERENCES persons(id),
    person_b BIGINT NOT NULL REFERENCES persons(id),
    decided_by BIGINT REFERENCES users(id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
);
