-- Version 1: the patient registry and its search index.

CREATE TABLE patients (
    id                              INTEGER PRIMARY KEY,
    given_name                      TEXT NOT NULL,
    family_name                     TEXT NOT NULL,
    preferred_name                  TEXT NOT NULL DEFAULT '',
    date_of_birth                   TEXT NOT NULL,              -- YYYY-MM-DD
    sex                             TEXT NOT NULL DEFAULT 'unknown'
                                    CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    phone                           TEXT NOT NULL DEFAULT '',
    email                           TEXT NOT NULL DEFAULT '',
    address                         TEXT NOT NULL DEFAULT '',
    emergency_contact_name          TEXT NOT NULL DEFAULT '',
    emergency_contact_phone         TEXT NOT NULL DEFAULT '',
    allergies                       TEXT NOT NULL DEFAULT '',
    medications                     TEXT NOT NULL DEFAULT '',
    flag_pregnant_or_breastfeeding  INTEGER NOT NULL DEFAULT 0,
    flag_neuromuscular_disorder     INTEGER NOT NULL DEFAULT 0,
    flag_aminoglycoside_antibiotics INTEGER NOT NULL DEFAULT 0,
    flag_blood_thinners             INTEGER NOT NULL DEFAULT 0,
    flag_keloid_history             INTEGER NOT NULL DEFAULT 0,
    flag_active_skin_infection      INTEGER NOT NULL DEFAULT 0,
    flag_previous_adverse_reaction  INTEGER NOT NULL DEFAULT 0,
    consents                        TEXT NOT NULL DEFAULT '',
    notes                           TEXT NOT NULL DEFAULT '',
    -- Folded "given family" (no case, no accents) for duplicate detection.
    name_key                        TEXT NOT NULL,
    -- Folded "family given" so results list in the order a receptionist expects.
    sort_key                        TEXT NOT NULL,
    archived_at                     TEXT,                       -- UTC ISO-8601; NULL = active
    created_at                      TEXT NOT NULL,
    updated_at                      TEXT NOT NULL
);

CREATE INDEX patients_duplicate_idx ON patients (name_key, date_of_birth);
CREATE INDEX patients_birth_idx ON patients (date_of_birth, sort_key);

-- One row per searchable word of a patient: folded name words and the suffixes of the
-- phone number's digits. Ordered by (term, sort_key) so a prefix range scan yields
-- exact matches first, then prefix matches, each alphabetically, with no sorting.
CREATE TABLE patient_search_terms (
    term        TEXT NOT NULL,
    sort_key    TEXT NOT NULL,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    PRIMARY KEY (term, sort_key, patient_id)
) WITHOUT ROWID;

CREATE INDEX patient_search_terms_patient_idx ON patient_search_terms (patient_id, term);
