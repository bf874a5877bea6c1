-- Searches of the registry by name always leave out retired (merged) records: an index
-- of the current records alone answers such a search and its count without reading
-- the table row of every match.
DROP INDEX persons_name;
CREATE INDEX persons_name ON persons(name_lower) WHERE merged_into IS NULL;
