-- How the office names its staff in letters, minutes and signature blocks: full name
-- with titles, NIP (civil servants only) and position.
ALTER TABLE users ADD COLUMN full_name TEXT;
ALTER TABLE users ADD COLUMN nip TEXT;
ALTER TABLE users ADD COLUMN position TEXT;
