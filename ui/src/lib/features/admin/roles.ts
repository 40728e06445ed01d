// How roles are named and described on screen.
import type { Role } from '../../api';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  injector: 'Injector',
  receptionist: 'Receptionist',
};

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'everything, plus accounts, settings and the audit log',
  injector: 'patients and clinical work',
  receptionist: 'patients, appointments, printing, the library; no clinical notes',
};
