CREATE TABLE business_types (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('ternak_kambing', 'Ternak kambing', 'Goat rearing', 1, 0);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('makanan_olahan', 'Makanan olahan', 'Processed food', 1, 1);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('warungan', 'Warungan', 'Small shop', 1, 2);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('perikanan', 'Perikanan', 'Fisheries', 1, 3);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('jasa_pariwisata', 'Jasa pariwisata', 'Tourism services', 1, 4);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('industri_rumahan', 'Industri rumah tangga', 'Home industry', 1, 5);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('peternakan', 'Peternakan', 'Livestock', 1, 6);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('pertanian', 'Pertanian/perkebunan', 'Agriculture/plantation', 1, 7);
INSERT INTO business_types (code, name, name_en, active, sort) VALUES ('perdagangan', 'Perdagangan', 'Trade', 1, 8);

CREATE TABLE kube (
    id INTEGER PRIMARY KEY,
    registration_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    business_type TEXT NOT NULL REFERENCES business_types(code),
    village_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    address TEXT,
    formed_on TEXT NOT NULL,
    formed_year INTEGER NOT NULL,
    funding_source TEXT NOT NULL,
    programme_year INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'belum_dinilai',
    stage TEXT NOT NULL DEFAULT 'pembentukan',
    pendamping_id INTEGER REFERENCES users(id),
    member_count INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX kube_district ON kube(district_code, status);
CREATE INDEX kube_village ON kube(village_code);
CREATE INDEX kube_business_type ON kube(business_type);
CREATE INDEX kube_status ON kube(status);
CREATE INDEX kube_year ON kube(formed_year);
CREATE INDEX kube_funding ON kube(funding_source);
CREATE INDEX kube_name ON kube(name_lower);
CREATE INDEX kube_pendamping ON kube(pendamping_id);

CREATE TABLE kube_members (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    role TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    left_on TEXT,
    left_reason TEXT
);
CREATE INDEX kube_members_kube ON kube_members(kube_id);
CREATE INDEX kube_members_person ON kube_members(person_id);
-- A person is an active member of at most one KUBE, even under concurrent writes.
CREATE UNIQUE INDEX kube_members_active ON kube_members(person_id) WHERE left_on IS NULL;
