-- A handout is recorded when it is sent to the printer (or to the chosen file), so
-- the record never waits for a slow printer. A print or save that then fails is
-- written here, beside the record, and never changed or removed.
CREATE TABLE handout_failures (
    id INTEGER PRIMARY KEY,
    handout_id INTEGER NOT NULL REFERENCES handouts(id),
    -- 1 when a reprint failed (the handout itself was given before).
    reprint INTEGER NOT NULL DEFAULT 0,
    failed_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX handout_failures_by_handout ON handout_failures (handout_id);

CREATE TRIGGER handout_failures_no_update BEFORE UPDATE ON handout_failures
BEGIN
    SELECT RAISE(ABORT, 'handout failures are append-only');
END;
CREATE TRIGGER handout_failures_no_delete BEFORE DELETE ON handout_failures
BEGIN
    SELECT RAISE(ABORT, 'handout failures are append-only');
END;
