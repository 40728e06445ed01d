// How patients are shown: names, ages and the labels of the medical flags, shared by
// the search list, the form and the chart so they always say the same thing.
import type { MedicalFlags, PatientDetails, PatientSummary, Sex } from '../../api';

/** "María Núñez" */
export function fullName(p: { givenName: string; familyName: string }): string {
  return `${p.givenName} ${p.familyName}`;
}

/** "Núñez, María": how a receptionist scans a list. */
export function listName(p: PatientSummary): string {
  return `${p.familyName}, ${p.givenName}`;
}

/** Whole years between a `YYYY-MM-DD` birth date and `today`. */
export function age(dateOfBirth: string, today = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let years = today.getFullYear() - y;
  if (today.getMonth() + 1 < mo || (today.getMonth() + 1 === mo && today.getDate() < d)) years -= 1;
  return years;
}

export const SEX_LABELS: Record<Sex, string> = {
  unknown: 'Not recorded',
  female: 'Female',
  male: 'Male',
  other: 'Other',
};

/** The medical flags in the order the form and the chart list them. */
export const FLAG_LABELS: [keyof MedicalFlags, string][] = [
  ['pregnantOrBreastfeeding', 'Pregnant or breastfeeding'],
  ['neuromuscularDisorder', 'Neuromuscular disorder'],
  ['aminoglycosideAntibiotics', 'Aminoglycoside antibiotics'],
  ['bloodThinners', 'Blood thinners'],
  ['keloidHistory', 'History of keloids'],
  ['activeSkinInfection', 'Active skin infection'],
  ['previousAdverseReaction', 'Previous adverse reaction'],
];

/** Extra words shown under a flag on the form. */
export const FLAG_HINTS: Partial<Record<keyof MedicalFlags, string>> = {
  neuromuscularDisorder: 'e.g. myasthenia gravis, Lambert-Eaton syndrome, ALS',
  aminoglycosideAntibiotics: 'e.g. gentamicin, tobramycin, currently or recently',
  bloodThinners: 'e.g. warfarin, apixaban, aspirin, clopidogrel',
};

/** The labels of the flags that are set. */
export function activeFlags(flags: MedicalFlags): string[] {
  return FLAG_LABELS.filter(([key]) => flags[key]).map(([, label]) => label);
}

/** An empty registration form. */
export function blankDetails(): PatientDetails {
  return {
    givenName: '',
    familyName: '',
    preferredName: '',
    dateOfBirth: '',
    sex: 'unknown',
    phone: '',
    email: '',
    address: '',
    emergencyContactName: '',
    emergencyContactPhone: '',
    allergies: '',
    medications: '',
    flags: {
      pregnantOrBreastfeeding: false,
      neuromuscularDisorder: false,
      aminoglycosideAntibiotics: false,
      bloodThinners: false,
      keloidHistory: false,
      activeSkinInfection: false,
      previousAdverseReaction: false,
    },
    consents: '',
    notes: '',
  };
}
