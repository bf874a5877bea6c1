-- A column mapping belongs to the account that saved it (owner_id); owner 0 is the
-- office's, shared by an admin. Mappings saved before owners existed become the office's.
CREATE TABLE import_mappings_owned (
    key TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (key, owner_id)
);
INSERT INTO import_mappings_owned (key, owner_id, kind, mapping_json, updated_at)
    SELECT key, 0, kind, mapping_json, updated_at FROM import_mappings;
DROP TABLE import_mappings;
ALTER TABLE import_mappings_owned RENAME TO import_mappings;
