-- Version 6: every name term of a patient again, with all of that patient's name terms
-- beside it, so that a search of several words checks the other words on the row it
-- has just read instead of looking each one up (see core/src/patients/search.rs).
-- `patient_search_terms` keeps every term (names and phone digits) for one-word and
-- digit searches; this table holds only the name terms (those with a letter).

CREATE TABLE patient_name_terms (
    term        TEXT NOT NULL,
    sort_key    TEXT NOT NULL,
    patient_id  INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    -- ' ' || the patient's name terms joined by ' ': a term starts with w exactly when
    -- instr(words, ' ' || w) > 0.
    words       TEXT NOT NULL,
    PRIMARY KEY (term, sort_key, patient_id)
) WITHOUT ROWID;

-- Filled from the terms already indexed; a name term is one with a letter (phone terms
-- are digits only).
INSERT INTO patient_name_terms (term, sort_key, patient_id, words)
SELECT t.term, t.sort_key, t.patient_id, w.words
FROM patient_search_terms t
JOIN (SELECT patient_id, ' ' || group_concat(term, ' ') AS words
      FROM patient_search_terms
      WHERE term GLOB '*[a-z]*'
      GROUP BY patient_id) w ON w.patient_id = t.patient_id
WHERE t.term GLOB '*[a-z]*';
