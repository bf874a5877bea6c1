-- The access log of personal data (UU 27/2022): every read of a person's full record,
-- every NIK lookup by a role that sees NIKs masked, every export of a list — who, when,
-- which person (or, for an export, the list, its filter and how many rows), from where.
-- Append-only: no route changes or deletes a row; the system purges rows older than the
-- configured period.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    person_id INTEGER,
    detail TEXT,
    client TEXT
);
CREATE INDEX access_log_person ON access_log(person_id, at);
CREATE INDEX access_log_user ON access_log(user_id, at);
CREATE INDEX access_log_at ON access_log(at);
