-- The dashboard's persons by category (of those whose processing is not restricted), kept
-- like the KUBE tallies (migration 27) inside the transactions that change them, instead
-- of joining every category to its person per computation. Per statement for the
-- categories, so an import of a million persons adds one row per kecamatan and category.
CREATE TABLE person_tallies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district_code TEXT NOT NULL,
    category TEXT NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX person_tallies_district ON person_tallies(district_code);

INSERT INTO person_tallies (district_code, category, n)
SELECT p.district_code, c.category, COUNT(*) FROM person_categories c JOIN persons p ON p.id = c.person_id
WHERE p.restricted_at IS NULL GROUP BY p.district_code, c.category;

-- One function for the three triggers: each names the transition tables its event has.
CREATE FUNCTION person_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO person_tallies (district_code, category, n)
        SELECT p.district_code, r.category, -COUNT(*) FROM removed r JOIN persons p ON p.id = r.person_id
        WHERE p.restricted_at IS NULL GROUP BY p.district_code, r.category;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO person_tallies (district_code, category, n)
        SELECT p.district_code, a.category, COUNT(*) FROM added a JOIN persons p ON p.id = a.person_id
        WHERE p.restricted_at IS NULL GROUP BY p.district_code, a.category;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER person_tally_add AFTER INSERT ON person_categories
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION person_tally();
CREATE TRIGGER person_tally_remove AFTER DELETE ON person_categories
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION person_tally();
CREATE TRIGGER person_tally_change AFTER UPDATE ON person_categories
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION person_tally();

CREATE FUNCTION person_tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_tallies (district_code, category, n)
    SELECT OLD.district_code, category, -1 FROM person_categories WHERE person_id = OLD.id AND OLD.restricted_at IS NULL;
    INSERT INTO person_tallies (district_code, category, n)
    SELECT NEW.district_code, category, 1 FROM person_categories WHERE person_id = NEW.id AND NEW.restricted_at IS NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER person_tally_move AFTER UPDATE OF district_code, restricted_at ON persons
    FOR EACH ROW WHEN (OLD.district_code IS DISTINCT FROM NEW.district_code
        OR (OLD.restricted_at IS NULL) <> (NEW.restricted_at IS NULL))
    EXECUTE FUNCTION person_tally_moved();
