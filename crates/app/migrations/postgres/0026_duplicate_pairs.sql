-- The duplicate finder's pairs, kept by a background scan (once across instances) that
-- scores again only the persons changed since its last run, so the review page reads
-- them instead of scoring a registry of a million persons per view.
CREATE TABLE duplicate_pairs (
    person_a BIGINT NOT NULL,
    person_b BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    name_similarity DOUBLE PRECISION NOT NULL,
    reasons TEXT NOT NULL,
    -- The two persons' kecamatan, for the review of an area without reading the persons.
    district_a TEXT NOT NULL,
    district_b TEXT NOT NULL,
    -- Both in an active KUBE, or both in one programme: refreshed by every scan.
    flagged BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (person_a, person_b)
);
-- A pair told apart or merged leaves the table in that decision's transaction, so the
-- review reads this table alone, in this index's order.
CREATE INDEX duplicate_pairs_b ON duplicate_pairs(person_b);
CREATE INDEX duplicate_pairs_order ON duplicate_pairs(flagged, score, person_a, person_b);

-- Where the scan stands: the audit entries it has read (the newest id, and the ids of the
-- thousand before it, as a transaction may commit after a later-numbered one), and the
-- registry's size when it last scored every person.
CREATE TABLE duplicate_scan (
    id BIGINT PRIMARY KEY,
    seen_upto BIGINT NOT NULL,
    seen_recent TEXT NOT NULL,
    persons BIGINT NOT NULL,
    full_at TEXT NOT NULL,
    scanned_at TEXT NOT NULL
);

-- The scan finds a changed person's candidates by the finder's blocking keys: the NIK
-- without its region, a birth date within a kecamatan.
CREATE INDEX persons_nik_tail ON persons(substr(nik, 7));
CREATE INDEX persons_district_birth ON persons(district_code, birth_date);
