// How audit actions read on screen. Typed against the generated `Action`, so a new
// action in Rust without a label here fails the type check.
import type { Action } from '../../api';

export const ACTION_LABELS: Record<Action, string> = {
  login: 'Signed in',
  logout: 'Signed out',
  'login.failed': 'Failed sign-in',
  lock: 'Locked',
  unlock: 'Unlocked',
  'patient.view': 'Opened a chart',
  'patient.create': 'Registered a patient',
  'patient.update': 'Edited a patient',
  'patient.archive': 'Archived a patient',
  'patient.unarchive': 'Restored a patient',
  'user.create': 'Created an account',
  'user.update': 'Edited an account',
  'user.deactivate': 'Deactivated an account',
  'user.reactivate': 'Reactivated an account',
  'password.reset': 'Reset a password',
  'password.change': 'Changed own password',
  'role.change': 'Changed a role',
  'setting.change': 'Changed settings',
  'audit.export': 'Exported the audit log',
  setup: 'Set up the clinic',
};
