-- Attendance per day of a training; a participant "attended" when present on any day.
CREATE TABLE training_attendance (
    training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    day TEXT NOT NULL,
    PRIMARY KEY (training_id, person_id, day)
);
