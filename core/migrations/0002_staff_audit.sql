-- Version 2: staff accounts, clinic settings and the append-only audit trail.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'injector', 'receptionist')),
    password_hash  TEXT NOT NULL,                 -- Argon2id, PHC string
    active         INTEGER NOT NULL DEFAULT 1,    -- deactivated, never deleted
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Clinic-wide settings as key/value text (clinic name, address, phone, idle lock).
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- Every view, change, login and disclosure. Each row carries the SHA-256 of the row
-- before it and of its own content, so an edited, deleted or inserted row breaks the
-- chain; the triggers below refuse UPDATE and DELETE outright.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,                  -- UTC ISO-8601
    user_id      INTEGER REFERENCES users (id),  -- NULL when nobody is known (failed login)
    username     TEXT NOT NULL,                  -- as typed or as it was at the time
    action       TEXT NOT NULL,                  -- e.g. login, patient.view, patient.update
    entity       TEXT NOT NULL DEFAULT '',       -- e.g. patient, user, setting
    entity_id    TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',       -- never patient details beyond the id
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
