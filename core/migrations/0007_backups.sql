-- Schema version 7: every backup run, one row per folder it wrote to, with the result
-- of its verification, so Settings → Backups can say when the last good one was made
-- and why the last one failed. Rows are only ever added.

CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY,
    -- UTC, ISO-8601 with milliseconds.
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    -- What started it: 'manual', 'daily', 'sign-out' or 'closing'.
    reason      TEXT NOT NULL,
    -- The folder written to, as shown to people.
    folder      TEXT NOT NULL,
    -- The bundle's folder name; NULL when no bundle was written.
    bundle      TEXT,
    -- 1 when the bundle was written and passed every check.
    verified    INTEGER NOT NULL CHECK (verified IN (0, 1)),
    -- What went wrong, in plain words; NULL when verified.
    problem     TEXT,
    -- The bundle's size in bytes.
    bytes       INTEGER
);

CREATE INDEX backup_runs_by_time ON backup_runs (finished_at);

CREATE TRIGGER backup_runs_never_change BEFORE UPDATE ON backup_runs
BEGIN
    SELECT RAISE(ABORT, 'backup runs are never changed');
END;
