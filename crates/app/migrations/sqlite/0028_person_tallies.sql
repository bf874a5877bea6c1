-- The dashboard's persons by category (of those whose processing is not restricted), kept
-- like the KUBE tallies (migration 27) inside the transactions that change them, instead
-- of joining every category to its person per computation.
CREATE TABLE person_tallies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_code TEXT NOT NULL,
    category TEXT NOT NULL,
    n INTEGER NOT NULL
);
CREATE INDEX person_tallies_district ON person_tallies(district_code);

INSERT INTO person_tallies (district_code, category, n)
SELECT p.district_code, c.category, COUNT(*) FROM person_categories c JOIN persons p ON p.id = c.person_id
WHERE p.restricted_at IS NULL GROUP BY p.district_code, c.category;

CREATE TRIGGER person_tally_add AFTER INSERT ON person_categories BEGIN
    INSERT INTO person_tallies (district_code, category, n)
    SELECT district_code, NEW.category, 1 FROM persons WHERE id = NEW.person_id AND restricted_at IS NULL;
END;
CREATE TRIGGER person_tally_remove AFTER DELETE ON person_categories BEGIN
    INSERT INTO person_tallies (district_code, category, n)
    SELECT district_code, OLD.category, -1 FROM persons WHERE id = OLD.person_id AND restricted_at IS NULL;
END;
CREATE TRIGGER person_tally_change AFTER UPDATE ON person_categories BEGIN
    INSERT INTO person_tallies (district_code, category, n)
    SELECT district_code, OLD.category, -1 FROM persons WHERE id = OLD.person_id AND restricted_at IS NULL;
    INSERT INTO person_tallies (district_code, category, n)
    SELECT district_code, NEW.category, 1 FROM persons WHERE id = NEW.person_id AND restricted_at IS NULL;
END;
CREATE TRIGGER person_tally_move AFTER UPDATE OF district_code, restricted_at ON persons
WHEN OLD.district_code IS NOT NEW.district_code OR (OLD.restricted_at IS NULL) <> (NEW.restricted_at IS NULL)
BEGIN
    INSERT INTO person_tallies (district_code, category, n)
    SELECT OLD.district_code, category, -1 FROM person_categories WHERE person_id = OLD.id AND OLD.restricted_at IS NULL;
    INSERT INTO person_tallies (district_code, category, n)
    SELECT NEW.district_code, category, 1 FROM person_categories WHERE person_id = NEW.id AND NEW.restricted_at IS NULL;
END;
