// Test data shared by the patient component tests.
import type { Patient, PatientSummary } from '../../api';
import { blankDetails } from './patients';

export function summary(id: number, givenName: string, familyName: string, extra: Partial<PatientSummary> = {}): PatientSummary {
  return { id, givenName, familyName, preferredName: '', dateOfBirth: '1980-03-14', phone: '(555) 010-2030', archived: false, ...extra };
}

export function patient(extra: Partial<Patient['details']> = {}, archivedAt: string | null = null): Patient {
  return {
    id: 7,
    details: { ...blankDetails(), givenName: 'María', familyName: 'Núñez', dateOfBirth: '1980-03-14', ...extra },
    archivedAt,
    createdAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:00:00.000Z',
    externalId: '',
  };
}
