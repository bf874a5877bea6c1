CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    nik TEXT NOT NULL UNIQUE,
    kk_number TEXT,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    village_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    rt TEXT,
    rw TEXT,
    address TEXT,
    phone TEXT,
    dtks_registered INTEGER NOT NULL DEFAULT 0,
    dtks_ref TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_district_name ON persons(district_code, name_lower);
CREATE INDEX persons_village ON persons(village_code);
CREATE INDEX persons_kk ON persons(kk_number);
CREATE INDEX persons_birth_date ON persons(birth_date);
CREATE INDEX persons_name ON persons(name_lower);

CREATE TABLE person_categories (
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (person_id, category)
);
CREATE INDEX person_categories_category ON person_categories(category, person_id);
