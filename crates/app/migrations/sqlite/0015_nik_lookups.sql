-- NIKs a role that sees identity masked learned to be registered or not, per account and
-- office day: the daily limit counts distinct NIKs (the same NIK again tells nothing new).
-- Only a hash of the NIK is kept.
CREATE TABLE nik_lookups (
    user_id INTEGER NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    nik_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, day, nik_hash)
);
