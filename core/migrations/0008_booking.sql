-- Schema version 8: the front desk. Rooms, the clinic's opening hours and each
-- injector's working hours; appointments with every change kept; the recall calls;
-- and each patient's next-due date as of their latest signed session.

CREATE TABLE rooms (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    retired_at  TEXT,                                -- retired, never deleted
    created_at  TEXT NOT NULL
);

-- The clinic's opening hours: one row per open weekday (0 = Monday … 6 = Sunday),
-- local wall-clock times 'HH:MM' in the clinic's time zone. No row: closed that day.
CREATE TABLE opening_hours (
    weekday  INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
    opens    TEXT NOT NULL,
    closes   TEXT NOT NULL CHECK (closes > opens)
);

INSERT INTO opening_hours (weekday, opens, closes) VALUES
    (0, '09:00', '17:00'), (1, '09:00', '17:00'), (2, '09:00', '17:00'), (3, '09:00', '17:00'), (4, '09:00', '17:00');

-- An injector's working week: seven rows once set, opens/closes NULL on a day off.
-- An injector with no rows works whenever the clinic is open.
CREATE TABLE injector_hours (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    weekday  INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens    TEXT,
    closes   TEXT,
    PRIMARY KEY (user_id, weekday),
    CHECK ((opens IS NULL AND closes IS NULL) OR (opens IS NOT NULL AND closes > opens))
);

CREATE TABLE appointments (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients (id),
    injector_id    INTEGER NOT NULL REFERENCES users (id),
    room_id        INTEGER REFERENCES rooms (id),
    kind           TEXT NOT NULL CHECK (kind IN ('neurotoxin', 'filler', 'review', 'consultation', 'other')),
    -- UTC, ISO-8601 with milliseconds; an appointment is [starts_at, ends_at).
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL CHECK (ends_at > starts_at),
    note           TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'booked'
                   CHECK (status IN ('booked', 'arrived', 'in_treatment', 'completed', 'no_show', 'cancelled')),
    cancel_reason  TEXT CHECK (cancel_reason IN ('patient', 'clinic', 'rebooked')),
    arrived_at     TEXT,
    session_id     INTEGER REFERENCES sessions (id),
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    updated_at     TEXT NOT NULL
);

CREATE INDEX appointments_injector_idx ON appointments (injector_id, starts_at);
CREATE INDEX appointments_room_idx ON appointments (room_id, starts_at);
CREATE INDEX appointments_patient_idx ON appointments (patient_id, starts_at);
CREATE INDEX appointments_start_idx ON appointments (starts_at);
CREATE INDEX appointments_session_idx ON appointments (session_id);

-- Every change of an appointment, in plain words, with who and when. Only ever added.
CREATE TABLE appointment_changes (
    id              INTEGER PRIMARY KEY,
    appointment_id  INTEGER NOT NULL REFERENCES appointments (id),
    changed_at      TEXT NOT NULL,
    changed_by      INTEGER NOT NULL REFERENCES users (id),
    what            TEXT NOT NULL
);

CREATE INDEX appointment_changes_idx ON appointment_changes (appointment_id, id);

CREATE TRIGGER appointment_changes_never_change BEFORE UPDATE ON appointment_changes
BEGIN
    SELECT RAISE(ABORT, 'appointment changes are never changed');
END;

-- A receptionist's call to a patient due back, and how it went. Only ever added.
CREATE TABLE recall_calls (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients (id),
    called_at     TEXT NOT NULL,
    called_by     INTEGER NOT NULL REFERENCES users (id),
    outcome       TEXT NOT NULL
                  CHECK (outcome IN ('booked', 'no_answer', 'left_message', 'call_back', 'declined', 'wrong_number')),
    call_back_on  TEXT,                              -- local date YYYY-MM-DD, for 'call_back'
    note          TEXT NOT NULL DEFAULT ''
);

CREATE INDEX recall_calls_patient_idx ON recall_calls (patient_id, called_at);

-- Each patient's next-due date: that of their latest signed session that has one, kept
-- as sessions are signed, so the recall list reads one index instead of every session.
CREATE TABLE patient_due (
    patient_id     INTEGER PRIMARY KEY REFERENCES patients (id),
    session_id     INTEGER NOT NULL REFERENCES sessions (id),
    next_due_date  TEXT NOT NULL                     -- YYYY-MM-DD
);

CREATE INDEX patient_due_date_idx ON patient_due (next_due_date);

INSERT INTO patient_due (patient_id, session_id, next_due_date)
SELECT s.patient_id, s.id, s.next_due_date
FROM sessions s
WHERE s.signed_at IS NOT NULL AND s.next_due_date IS NOT NULL
  AND s.id = (SELECT t.id FROM sessions t
              WHERE t.patient_id = s.patient_id AND t.signed_at IS NOT NULL AND t.next_due_date IS NOT NULL
              ORDER BY t.started_at DESC, t.id DESC LIMIT 1);
