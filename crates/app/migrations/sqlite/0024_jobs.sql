-- Background jobs run once across every instance on this database: an instance runs a
-- job only after claiming it here (the claim succeeds for one instance per period).
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL,
    instance TEXT NOT NULL
);
