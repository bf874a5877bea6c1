CREATE TABLE partner_agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE trainings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT,
    business_type TEXT REFERENCES business_types(code),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    village_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    organiser TEXT,
    trainers TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX trainings_starts ON trainings(starts_on);
CREATE INDEX trainings_district ON trainings(district_code);

CREATE TABLE training_agencies (
    training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES partner_agencies(id),
    PRIMARY KEY (training_id, agency_id)
);

CREATE TABLE training_participants (
    training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    attended INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_participants_person ON training_participants(person_id);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    visited_on TEXT NOT NULL,
    operating INTEGER NOT NULL,
    meetings_held INTEGER NOT NULL,
    members_present INTEGER NOT NULL,
    books_up_to_date INTEGER NOT NULL,
    revenue INTEGER NOT NULL,
    expenses INTEGER NOT NULL,
    savings_balance INTEGER NOT NULL,
    asset_count INTEGER NOT NULL,
    asset_value INTEGER NOT NULL,
    problems TEXT,
    actions TEXT,
    gps TEXT,
    user_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX visits_kube ON visits(kube_id, visited_on);

CREATE TABLE kube_health (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    assessed_at TEXT NOT NULL,
    assessed_on TEXT,
    status TEXT NOT NULL,
    level TEXT,
    reasons_json TEXT NOT NULL
);
CREATE INDEX kube_health_kube ON kube_health(kube_id, id);

ALTER TABLE kube ADD COLUMN level TEXT;
ALTER TABLE kube ADD COLUMN last_visit_on TEXT;
ALTER TABLE kube ADD COLUMN health_reasons INTEGER NOT NULL DEFAULT 0;
