import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, Appointment, BookingSetup } from '../../api';
import BookingDialog from './BookingDialog.svelte';

afterEach(() => clearMocks());

const ROSA: Actor = { userId: 3, username: 'rosa', displayName: 'Rosa', role: 'receptionist', permissions: ['demographics', 'booking'] };
const SETUP: BookingSetup = {
  openingHours: [],
  rooms: [{ id: 1, name: 'Room 1', retired: false }],
  injectors: [
    { userId: 2, name: 'Nadia Needle', active: true, days: null },
    { userId: 4, name: 'Omar', active: true, days: null },
  ],
  lengths: [{ kind: 'neurotoxin', label: 'Neurotoxin', minutes: 30 }, { kind: 'filler', label: 'Filler', minutes: 45 }],
};
const HONOR: Appointment = {
  id: 7, patientId: 1, patientName: 'Honor Blackwood', patientPhone: '', patientAlert: false, injectorId: 2,
  injectorName: 'Nadia Needle', roomId: 1, roomName: 'Room 1', kind: 'neurotoxin', kindLabel: 'Neurotoxin',
  startsAt: '2026-12-01T09:00:00.000Z', endsAt: '2026-12-01T09:30:00.000Z', minutes: 30, date: '2026-12-01',
  dateLabel: '01/12/2026', startLabel: '09:00', endLabel: '09:30', startMinute: 540, note: 'Prefers mornings',
  status: 'booked', statusLabel: 'booked', cancelReason: null, arrivedAt: null, sessionId: null,
};

function backend(refuse = false) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'get_booking_setup') return SETUP;
    if (cmd === 'reschedule_appointment' && refuse) {
      throw { code: 'validation', message: 'Omar is already booked from 10:00 to 10:30 (Ann Lee, Filler).', field: 'injectorId',
        fieldErrors: [{ field: 'injectorId', message: 'Omar is already booked from 10:00 to 10:30 (Ann Lee, Filler).' }], duplicates: [] };
    }
    if (cmd === 'reschedule_appointment') return { appointment: HONOR, warnings: [] };
    return null;
  });
  return calls;
}

describe('BookingDialog, moving an appointment', () => {
  it('starts from the slot it was dragged to, keeps the rest, and saves the new time', async () => {
    const calls = backend();
    const done: unknown[] = [];
    render(BookingDialog, { me: ROSA, prefill: { appointment: HONOR, injectorId: 4, date: '2026-12-02', time: '10:00' }, onDone: (b: unknown) => done.push(b), onClose: () => {} });
    expect(screen.getByRole('heading', { name: "Move Honor Blackwood's appointment" })).toBeInTheDocument();
    expect(screen.getByLabelText('Date')).toHaveValue('02/12/2026');
    expect(screen.getByLabelText('Start time')).toHaveValue('10:00');
    expect(screen.getByLabelText('Note for the desk')).toHaveValue('Prefers mornings');
    await screen.findByRole('option', { name: 'Omar' });
    expect(screen.getByLabelText('Injector')).toHaveValue('4');
    await userEvent.click(screen.getByRole('button', { name: 'Save new time' }));
    const call = calls.find((c) => c.cmd === 'reschedule_appointment')!;
    expect(call.args).toMatchObject({ id: 7, form: { patientId: 1, injectorId: 4, roomId: 1, date: '02/12/2026', time: '10:00', minutes: 30 } });
    expect(done).toHaveLength(1);
  });

  it('shows a conflict beside the injector and keeps the dialog open', async () => {
    backend(true);
    const done: unknown[] = [];
    render(BookingDialog, { me: ROSA, prefill: { appointment: HONOR, injectorId: 4, time: '10:00' }, onDone: (b: unknown) => done.push(b), onClose: () => {} });
    await screen.findByRole('option', { name: 'Omar' });
    await userEvent.click(screen.getByRole('button', { name: 'Save new time' }));
    expect(await screen.findByTestId('error-injectorId')).toHaveTextContent('Omar is already booked from 10:00 to 10:30');
    expect(done).toHaveLength(0);
  });
});
