-- Version 10: every ordered pair of a patient's two different name terms, so that a
-- search of two words reads only the patients who have both (see
-- core/src/patients/search.rs). A pair is kept twice: under the other term's first
-- letter and under its first three letters (terms of three letters or more), so
-- "mar gar" and "garcia m" each read one short range in the order shown.

CREATE TABLE patient_name_pairs (
    -- The first 1 or 3 letters of `other`.
    other_prefix TEXT NOT NULL,
    term         TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    patient_id   INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    other        TEXT NOT NULL,
    PRIMARY KEY (other_prefix, term, sort_key, patient_id, other)
) WITHOUT ROWID;

-- Filled from the name terms already indexed (a name term is one with a letter).
INSERT OR IGNORE INTO patient_name_pairs (other_prefix, term, sort_key, patient_id, other)
SELECT substr(b.term, 1, k.n), a.term, a.sort_key, a.patient_id, b.term
FROM patient_name_terms a
JOIN patient_search_terms b ON b.patient_id = a.patient_id
JOIN (SELECT 1 AS n UNION ALL SELECT 3) k
WHERE b.term <> a.term AND b.term GLOB '*[a-z]*' AND (k.n = 1 OR length(b.term) >= 3);
