CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    funding_source TEXT NOT NULL,
    target TEXT NOT NULL,
    budget INTEGER,
    quota INTEGER,
    package_value INTEGER,
    eligibility_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX programmes_year ON programmes(year);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    unit TEXT NOT NULL,
    unit_price INTEGER NOT NULL,
    category TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    business_type TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE package_items (
    package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id),
    quantity INTEGER NOT NULL,
    PRIMARY KEY (package_id, item_id)
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    delivered_total INTEGER NOT NULL DEFAULT 0,
    justification TEXT NOT NULL,
    reason TEXT,
    delivered_on TEXT,
    receiver TEXT,
    place TEXT,
    bast_number TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX proposals_programme ON proposals(programme_id, state);
CREATE INDEX proposals_kube ON proposals(kube_id);

CREATE TABLE proposal_items (
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id),
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    delivered_quantity INTEGER,
    PRIMARY KEY (proposal_id, item_id)
);

CREATE TABLE proposal_events (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);

CREATE TABLE kube_assets (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    proposal_id INTEGER REFERENCES proposals(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    acquired_on TEXT NOT NULL
);
CREATE INDEX kube_assets_kube ON kube_assets(kube_id);

CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    enrolled_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (programme_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);

CREATE TABLE benefits (
    id INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    description TEXT,
    amount INTEGER NOT NULL,
    given_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (enrolment_id, kind, period)
);
