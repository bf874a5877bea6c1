-- Idempotency keys of changes sent from phones that may lose the answer (a visit, a day's
-- attendance): the same key sent again by the same account answers what the first did
-- instead of recording twice. `fingerprint` is a digest of the request, so a key reused
-- for a different request is refused; `entity_id` is what the first request recorded.
CREATE TABLE idempotency (
    user_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    operation TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
