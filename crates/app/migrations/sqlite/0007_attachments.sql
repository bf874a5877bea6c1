CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    user_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_entity ON attachments(entity, entity_id);
