// What the book's screens share: a booking to open the dialog with, and the words for
// appointment kinds and call outcomes.
import type { Appointment, AppointmentKind, CallOutcome } from '../../api';

/** What the booking dialog starts from: a clicked slot, a chart, a suggestion, a call;
 * or (with `appointment`) moving an existing appointment. */
export type Prefill = {
  patient?: { id: number; name: string };
  injectorId?: number;
  roomId?: number | null;
  kind?: AppointmentKind;
  /** `YYYY-MM-DD`. */
  date?: string;
  /** As the clinic writes times, e.g. "9:15 AM". */
  time?: string;
  appointment?: Appointment;
};

export const KIND_LABELS: Record<AppointmentKind, string> = {
  neurotoxin: 'Neurotoxin',
  filler: 'Filler',
  review: 'Review',
  consultation: 'Consultation',
  other: 'Other',
};

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  booked: 'Booked',
  noAnswer: 'No answer',
  leftMessage: 'Left a message',
  callBack: 'Call back on a date',
  declined: 'Declined',
  wrongNumber: 'Wrong number',
};
