-- Separation of duties on aid. A proposal step taken by the person who took the step it
-- checks (allowed only by the office's option) is marked, to be shown on the proposal.
ALTER TABLE proposal_events ADD COLUMN same_person INTEGER NOT NULL DEFAULT 0;
-- Cash benefits (monthly assistance) wait for the head of division's approval like
-- goods do: until then they hold budget but are not paid. Earlier records count as
-- approved.
ALTER TABLE benefits ADD COLUMN recorded_by INTEGER;
ALTER TABLE benefits ADD COLUMN approved_by TEXT;
ALTER TABLE benefits ADD COLUMN approved_at TEXT;
UPDATE benefits SET approved_by = '(sebelum persetujuan)', approved_at = created_at;
