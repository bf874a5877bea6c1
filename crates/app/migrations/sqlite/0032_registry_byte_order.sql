-- PostgreSQL's registry keys now compare byte by byte (its migration 32): SQLite always
-- has (BINARY), so nothing changes here.
SELECT 1;
