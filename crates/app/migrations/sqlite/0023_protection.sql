-- The office's duties as controller of personal data (UU 27/2022).
-- A restricted person's record leaves lists, exports and reports until the restriction
-- is lifted; an anonymised one keeps only what accountability for aid needs.
ALTER TABLE persons ADD COLUMN restricted_at TEXT;
ALTER TABLE persons ADD COLUMN anonymised_at TEXT;

-- Consent to optional data (phone, photos of the person): given, and perhaps withdrawn.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    given_on TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT
);
CREATE INDEX consents_person ON consents(person_id, kind);

-- Data subjects' requests and their deadlines.
CREATE TABLE data_requests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES persons(id),
    kind TEXT NOT NULL,
    requester TEXT NOT NULL,
    details TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL,
    officer_id INTEGER,
    officer TEXT NOT NULL,
    outcome TEXT,
    audit_id INTEGER,
    closed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX data_requests_status ON data_requests(status, due_at);
CREATE INDEX data_requests_person ON data_requests(person_id);

-- The breach register.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred_on TEXT,
    discovered_at TEXT NOT NULL,
    data_kinds TEXT NOT NULL,
    persons_affected INTEGER NOT NULL,
    measures TEXT NOT NULL,
    authority_notified_at TEXT,
    persons_notified_at TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
