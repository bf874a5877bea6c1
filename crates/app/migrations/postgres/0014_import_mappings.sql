-- How an office's own spreadsheet layout maps to the import's fields, chosen once by an
-- operator and used again for every file with the same headings.
CREATE TABLE import_mappings (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
