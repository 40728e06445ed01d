// How the patient import's preview and report read on screen. Typed against the
// generated `ImportField`, so a new field in Rust without a label fails the type check.
import type { ImportField, PatientImportPreview, PatientImportReport } from '../../api';

export const FIELD_LABELS: Record<ImportField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  phone: 'Phone',
  email: 'Email',
  address: 'Address',
  allergies: 'Allergies',
  medications: 'Medications',
  notes: 'Notes',
  externalId: 'External id',
};

/** `n` and the noun, singular or plural: "1 row", "2 rows". */
function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** What the import would do, one sentence a line. */
export function importSummary(p: PatientImportPreview): string[] {
  const lines = [`${count(p.toAdd, 'new patient', 'new patients')} will be added.`];
  if (p.duplicatesExisting) {
    const fate = p.settings.duplicates === 'merge' ? 'only their empty fields will be filled in' : 'they will be skipped';
    lines.push(`${count(p.duplicatesExisting, 'row is', 'rows are')} likely already registered: ${fate}.`);
  }
  if (p.duplicatesInFile) {
    lines.push(`${count(p.duplicatesInFile, 'row repeats', 'rows repeat')} an earlier row of the file and will be counted once.`);
  }
  if (p.refusedCount) lines.push(`${count(p.refusedCount, 'row', 'rows')} cannot be imported:`);
  return lines;
}

/** What the import did. */
export function reportSummary(r: PatientImportReport): string {
  const parts = [`${count(r.added, 'patient', 'patients')} added`];
  if (r.merged) parts.push(`${r.merged.toLocaleString()} filled in`);
  if (r.skipped) parts.push(`${r.skipped.toLocaleString()} skipped as already registered`);
  if (r.refusedCount) parts.push(`${count(r.refusedCount, 'row', 'rows')} refused`);
  return `Import done: ${parts.join(', ')}.`;
}
