-- Uploaded files kept between the preview and the commit of an import (any instance
-- can serve the second request).
CREATE TABLE import_files (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'uploaded',
    result_json TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX import_files_user ON import_files(user_id, id);
