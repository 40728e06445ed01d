-- Version 3: the product catalogue, lots and opened vials, injection sessions with
-- their points, adverse events and amendments. A signed session is immutable: the
-- triggers below make SQLite itself refuse any change to it or to its rows.

CREATE TABLE products (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- e.g. "Botox Cosmetic 100 U"
    kind                TEXT NOT NULL CHECK (kind IN ('neurotoxin', 'filler', 'other')),
    unit                TEXT NOT NULL CHECK (unit IN ('U', 'mL')),
    size                REAL NOT NULL CHECK (size > 0),        -- units per vial, mL per syringe
    default_diluent_ml  REAL CHECK (default_diluent_ml IS NULL OR default_diluent_ml > 0),
    -- How this brand's units compare with Botox units for the typical-dose advice
    -- (e.g. Dysport 2.5 to 3); NULL gives no dose advice.
    dose_scale_min      REAL,
    dose_scale_max      REAL,
    gtin                TEXT NOT NULL DEFAULT '',              -- GS1 product number, learnt from scans
    retired_at          TEXT,                                  -- retired, never deleted
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE INDEX products_gtin_idx ON products (gtin) WHERE gtin <> '';

CREATE TABLE lots (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products (id),
    lot_number   TEXT NOT NULL COLLATE NOCASE,
    expiry       TEXT NOT NULL,                      -- YYYY-MM-DD, usable through this day
    quantity     INTEGER NOT NULL CHECK (quantity > 0),  -- vials or syringes received
    received_at  TEXT NOT NULL,
    received_by  INTEGER NOT NULL REFERENCES users (id),
    UNIQUE (product_id, lot_number)
);

CREATE INDEX lots_number_idx ON lots (lot_number);

-- A vial or syringe taken from a lot. Toxin vials record the diluent actually used.
CREATE TABLE vials (
    id              INTEGER PRIMARY KEY,
    lot_id          INTEGER NOT NULL REFERENCES lots (id),
    diluent_ml      REAL CHECK (diluent_ml IS NULL OR diluent_ml > 0),
    single_patient  INTEGER NOT NULL DEFAULT 0,
    opened_at       TEXT NOT NULL,
    opened_by       INTEGER NOT NULL REFERENCES users (id)
);

CREATE INDEX vials_lot_idx ON vials (lot_id);

CREATE TABLE sessions (
    id                    INTEGER PRIMARY KEY,
    patient_id            INTEGER NOT NULL REFERENCES patients (id),
    injector_id           INTEGER NOT NULL REFERENCES users (id),
    started_at            TEXT NOT NULL,              -- UTC ISO-8601
    kind                  TEXT NOT NULL CHECK (kind IN ('neurotoxin', 'filler', 'other')),
    consent_confirmed     INTEGER NOT NULL DEFAULT 0,
    consent_version       TEXT NOT NULL DEFAULT '',
    screen_acknowledged   INTEGER NOT NULL DEFAULT 0, -- allergies, flags, contraindications reviewed
    notes                 TEXT NOT NULL DEFAULT '',
    follow_up_date        TEXT,                       -- YYYY-MM-DD
    next_due_date         TEXT,                       -- YYYY-MM-DD
    signed_at             TEXT,                       -- NULL while a draft
    signed_by             INTEGER REFERENCES users (id),
    updated_at            TEXT NOT NULL
);

CREATE INDEX sessions_patient_idx ON sessions (patient_id, started_at);

CREATE TABLE injection_points (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id),
    position    INTEGER NOT NULL,            -- 1, 2, 3 … as numbered on the face chart
    vial_id     INTEGER NOT NULL REFERENCES vials (id),
    area        TEXT NOT NULL,
    x           REAL NOT NULL,               -- on the face chart, 0..1 across
    y           REAL NOT NULL,               -- 0..1 down
    dose        REAL NOT NULL CHECK (dose > 0)  -- in the product's unit
);

CREATE INDEX injection_points_session_idx ON injection_points (session_id, position);
-- Covers what a vial's drawn total and the lot recall read, without the table.
CREATE INDEX injection_points_vial_idx ON injection_points (vial_id, session_id, dose);

CREATE TABLE adverse_events (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions (id),
    position      INTEGER NOT NULL,
    what          TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    action_taken  TEXT NOT NULL DEFAULT ''
);

CREATE INDEX adverse_events_session_idx ON adverse_events (session_id, position);

-- Corrections to signed sessions, appended and never changed.
CREATE TABLE amendments (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id),
    author_id   INTEGER NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    text        TEXT NOT NULL
);

CREATE INDEX amendments_session_idx ON amendments (session_id, at);

CREATE TRIGGER sessions_signed_no_update BEFORE UPDATE ON sessions WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER sessions_signed_no_delete BEFORE DELETE ON sessions WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER points_signed_no_insert BEFORE INSERT ON injection_points
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER points_signed_no_update BEFORE UPDATE ON injection_points
WHEN (SELECT signed_at FROM sessions WHERE id IN (OLD.session_id, NEW.session_id) AND signed_at IS NOT NULL) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER points_signed_no_delete BEFORE DELETE ON injection_points
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER adverse_signed_no_insert BEFORE INSERT ON adverse_events
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER adverse_signed_no_update BEFORE UPDATE ON adverse_events
WHEN (SELECT signed_at FROM sessions WHERE id IN (OLD.session_id, NEW.session_id) AND signed_at IS NOT NULL) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER adverse_signed_no_delete BEFORE DELETE ON adverse_events
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed; add an amendment');
END;

CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN
    SELECT RAISE(ABORT, 'amendments are append-only');
END;

CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
BEGIN
    SELECT RAISE(ABORT, 'amendments are append-only');
END;

-- Vials and lots that a signed session used cannot be rewritten under it either.
CREATE TRIGGER vials_no_update BEFORE UPDATE ON vials
BEGIN
    SELECT RAISE(ABORT, 'an opened vial is a record; it cannot be changed');
END;

CREATE TRIGGER lots_no_update_used BEFORE UPDATE OF product_id, lot_number, expiry ON lots
WHEN EXISTS (SELECT 1 FROM vials WHERE lot_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a lot with opened vials cannot be changed');
END;

-- The starting catalogue; admins edit it and retire what the clinic no longer uses.
-- Default diluent volumes are the common label reconstitutions; clinics may differ.
INSERT INTO products (name, kind, unit, size, default_diluent_ml, dose_scale_min, dose_scale_max, created_at, updated_at)
VALUES
    ('Botox Cosmetic 50 U',         'neurotoxin', 'U', 50,  1.25, 1,   1,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Botox Cosmetic 100 U',        'neurotoxin', 'U', 100, 2.5,  1,   1,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Dysport 300 U',               'neurotoxin', 'U', 300, 2.5,  2.5, 3,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Xeomin 50 U',                 'neurotoxin', 'U', 50,  1.25, 1,   1,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Xeomin 100 U',                'neurotoxin', 'U', 100, 2.5,  1,   1,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Jeuveau 100 U',               'neurotoxin', 'U', 100, 2.5,  1,   1,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Daxxify 50 U',                'neurotoxin', 'U', 50,  0.4,  2,   2,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Daxxify 100 U',               'neurotoxin', 'U', 100, 0.8,  2,   2,   strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Juvéderm Ultra XC 1.0 mL',    'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Juvéderm Voluma XC 1.0 mL',   'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Juvéderm Volbella XC 1.0 mL', 'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Restylane 1.0 mL',            'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Restylane Lyft 1.0 mL',       'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Restylane Kysse 1.0 mL',      'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('RHA 2 1.0 mL',                'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Belotero Balance 1.0 mL',     'filler',     'mL', 1,  NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));
