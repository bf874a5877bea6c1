-- A KUBE list filtered by kecamatan and status comes out in its default order
-- (registration number) straight from the index: a page reads its 50 rows, not every match.
DROP INDEX kube_district;
CREATE INDEX kube_district ON kube(district_code, status, registration_number);
