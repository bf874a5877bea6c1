-- The stage checklist (penilaian tingkat perkembangan): a group's level is the latest
-- checklist's, no longer worked out from visit money alone — so levels computed from
-- visits are cleared, and every group reads "never assessed" until it is assessed.
-- `checklist_on` is the day of the latest checklist (NULL: never assessed).
ALTER TABLE kube ADD COLUMN checklist_on TEXT;
UPDATE kube SET level = NULL;

-- Criteria a region added to the ministry's (kept when retired: old answers name them).
CREATE TABLE checklist_criteria (
    code TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    label TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- One checklist per group and quarter, with the level it decided.
CREATE TABLE kube_checklists (
    id INTEGER PRIMARY KEY,
    kube_id INTEGER NOT NULL REFERENCES kube(id),
    assessed_on TEXT NOT NULL,
    quarter TEXT NOT NULL,
    level TEXT,
    user_id INTEGER,
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (kube_id, quarter)
);

-- Each item as it was answered, with the criterion's stage and label at the time and its
-- evidence: a note, a photo (an attachment of the checklist or of a visit), figures.
CREATE TABLE kube_checklist_answers (
    checklist_id INTEGER NOT NULL REFERENCES kube_checklists(id),
    position INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    stage TEXT NOT NULL,
    label TEXT NOT NULL,
    holds INTEGER NOT NULL,
    note TEXT,
    photo_id INTEGER,
    figures TEXT,
    PRIMARY KEY (checklist_id, criterion)
);
