-- Schema version 9: patients brought in from another system keep that system's id
-- (a spreadsheet's "Patient ID" column), shown on the chart and used to recognise the
-- same person when the same file is imported again. Empty when there is none.

ALTER TABLE patients ADD COLUMN external_id TEXT NOT NULL DEFAULT '';

CREATE INDEX patients_external_id_idx ON patients (external_id) WHERE external_id <> '';
