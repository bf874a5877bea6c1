-- The registry's text keys (NIK, KK, codes, dates as text, names lowered, name words,
-- categories) compared byte by byte, as SQLite compares them: the same order on both
-- databases, and PostgreSQL sorts them without the locale's collation (a third less
-- time building their indexes after a large import, and in every sort by name). For
-- UTF-8 text byte order is code point order, what a `C.UTF-8` database already gave.
-- The trigger that reads `district_code` is set aside while its column changes.
DROP TRIGGER person_tally_move ON persons;
ALTER TABLE persons
    ALTER COLUMN nik TYPE TEXT COLLATE "C",
    ALTER COLUMN kk_number TYPE TEXT COLLATE "C",
    ALTER COLUMN name_lower TYPE TEXT COLLATE "C",
    ALTER COLUMN birth_date TYPE TEXT COLLATE "C",
    ALTER COLUMN village_code TYPE TEXT COLLATE "C",
    ALTER COLUMN district_code TYPE TEXT COLLATE "C";
ALTER TABLE person_words ALTER COLUMN word TYPE TEXT COLLATE "C";
ALTER TABLE person_categories ALTER COLUMN category TYPE TEXT COLLATE "C";
CREATE TRIGGER person_tally_move AFTER UPDATE OF district_code, restricted_at ON persons
    FOR EACH ROW WHEN (OLD.district_code IS DISTINCT FROM NEW.district_code
        OR (OLD.restricted_at IS NULL) <> (NEW.restricted_at IS NULL))
    EXECUTE FUNCTION person_tally_moved();
