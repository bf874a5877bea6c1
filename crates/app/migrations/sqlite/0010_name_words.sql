-- Words of each person's name, normalised as the duplicate finder does (oe/u, dj/j, …):
-- a search by any word's start walks this index instead of scanning every name.
CREATE TABLE person_words (
    word TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    PRIMARY KEY (word, person_id)
) WITHOUT ROWID;
CREATE INDEX person_words_person ON person_words(person_id);
