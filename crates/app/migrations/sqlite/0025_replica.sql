-- Reads may go to a streaming replica; a user's reads within seconds of their own write
-- go to the primary (read-your-writes), on whichever instance they land.
ALTER TABLE sessions ADD COLUMN last_write_at TEXT;
