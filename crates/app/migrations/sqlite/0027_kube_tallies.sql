-- The dashboard's KUBE counts (per status along each dimension it shows), kept inside the
-- transactions that change KUBE instead of recounting every KUBE after each change: each
-- insert, delete or change of a counted column adds signed rows. Rows are only added, so
-- writers on several instances never wait on a shared counter; the housekeeping folds
-- them into one row per key.
CREATE TABLE kube_tallies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dim TEXT NOT NULL,
    code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    members INTEGER NOT NULL
);
CREATE INDEX kube_tallies_district ON kube_tallies(district_code);

INSERT INTO kube_tallies (dim, code, district_code, status, n, members)
SELECT 'district', k.district_code, k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY k.district_code, k.district_code, k.status
UNION ALL
SELECT 'village', k.village_code, k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY k.village_code, k.district_code, k.status
UNION ALL
SELECT 'business_type', k.business_type, k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY k.business_type, k.district_code, k.status
UNION ALL
SELECT 'year', CAST(k.formed_year AS TEXT), k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY CAST(k.formed_year AS TEXT), k.district_code, k.status
UNION ALL
SELECT 'funding_source', k.funding_source, k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY k.funding_source, k.district_code, k.status
UNION ALL
SELECT 'level', CASE WHEN k.checklist_on IS NULL THEN 'never' ELSE COALESCE(k.level, 'below') END, k.district_code, k.status, COUNT(*), SUM(k.member_count) FROM kube k GROUP BY CASE WHEN k.checklist_on IS NULL THEN 'never' ELSE COALESCE(k.level, 'below') END, k.district_code, k.status;

CREATE TRIGGER kube_tally_insert AFTER INSERT ON kube BEGIN
    INSERT INTO kube_tallies (dim, code, district_code, status, n, members) VALUES
        ('district', NEW.district_code, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('village', NEW.village_code, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('business_type', NEW.business_type, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('year', CAST(NEW.formed_year AS TEXT), NEW.district_code, NEW.status, 1, NEW.member_count),
        ('funding_source', NEW.funding_source, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('level', CASE WHEN NEW.checklist_on IS NULL THEN 'never' ELSE COALESCE(NEW.level, 'below') END, NEW.district_code, NEW.status, 1, NEW.member_count);
END;
CREATE TRIGGER kube_tally_delete AFTER DELETE ON kube BEGIN
    INSERT INTO kube_tallies (dim, code, district_code, status, n, members) VALUES
        ('district', OLD.district_code, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('village', OLD.village_code, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('business_type', OLD.business_type, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('year', CAST(OLD.formed_year AS TEXT), OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('funding_source', OLD.funding_source, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('level', CASE WHEN OLD.checklist_on IS NULL THEN 'never' ELSE COALESCE(OLD.level, 'below') END, OLD.district_code, OLD.status, -1, -OLD.member_count);
END;
CREATE TRIGGER kube_tally_update AFTER UPDATE OF district_code, village_code, business_type, formed_year, funding_source, status, checklist_on, level, member_count ON kube
WHEN OLD.district_code IS NOT NEW.district_code OR OLD.village_code IS NOT NEW.village_code OR OLD.business_type IS NOT NEW.business_type OR OLD.formed_year IS NOT NEW.formed_year OR OLD.funding_source IS NOT NEW.funding_source OR OLD.status IS NOT NEW.status OR OLD.checklist_on IS NOT NEW.checklist_on OR OLD.level IS NOT NEW.level OR OLD.member_count IS NOT NEW.member_count
BEGIN
    INSERT INTO kube_tallies (dim, code, district_code, status, n, members) VALUES
        ('district', OLD.district_code, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('village', OLD.village_code, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('business_type', OLD.business_type, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('year', CAST(OLD.formed_year AS TEXT), OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('funding_source', OLD.funding_source, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('level', CASE WHEN OLD.checklist_on IS NULL THEN 'never' ELSE COALESCE(OLD.level, 'below') END, OLD.district_code, OLD.status, -1, -OLD.member_count),
        ('district', NEW.district_code, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('village', NEW.village_code, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('business_type', NEW.business_type, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('year', CAST(NEW.formed_year AS TEXT), NEW.district_code, NEW.status, 1, NEW.member_count),
        ('funding_source', NEW.funding_source, NEW.district_code, NEW.status, 1, NEW.member_count),
        ('level', CASE WHEN NEW.checklist_on IS NULL THEN 'never' ELSE COALESCE(NEW.level, 'below') END, NEW.district_code, NEW.status, 1, NEW.member_count);
END;
