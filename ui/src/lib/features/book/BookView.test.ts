import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, BookView, BookingSetup } from '../../api';
import BookViewScreen from './BookView.svelte';

afterEach(() => clearMocks());

const ROSA: Actor = { userId: 3, username: 'rosa', displayName: 'Rosa', role: 'receptionist', permissions: ['demographics', 'booking'] };

const SETUP: BookingSetup = {
  openingHours: [],
  rooms: [],
  injectors: [
    { userId: 2, name: 'Nadia Needle', active: true, days: null },
    { userId: 4, name: 'Omar', active: true, days: null },
  ],
  lengths: [],
};

function book(title: string, date: string, columns: [number, string, string][]): BookView {
  return {
    date,
    title,
    today: '2026-12-01',
    previous: '2026-11-30',
    next: '2026-12-02',
    lines: [{ minute: 540, label: '09:00' }],
    columns: columns.map(([id, name, day]) => ({ id, name, date: day, open: null, appointments: [] })),
  };
}

function backend() {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'get_booking_setup') return SETUP;
    if (cmd === 'day_view') return book('Tuesday 01/12/2026', '2026-12-01', [[2, 'Nadia Needle', '2026-12-01'], [4, 'Omar', '2026-12-01']]);
    if (cmd === 'week_view') return book('Week of 30/11/2026', '2026-11-30', [[20261130, 'Mon 30/11/2026', '2026-11-30'], [20261201, 'Tue 01/12/2026', '2026-12-01']]);
    if (cmd === 'print_day_sheet') return 6;
    return null;
  });
  return calls;
}

describe('BookView day sheets', () => {
  it('prints the chosen injector’s day shown, and says so', async () => {
    const calls = backend();
    render(BookViewScreen, { me: ROSA, onBook: () => {}, onStartSession: () => {}, onOpenChart: () => {} });
    await userEvent.selectOptions(await screen.findByLabelText('Day sheet for'), 'Omar');
    await userEvent.click(screen.getByRole('button', { name: 'Print day sheet for Omar' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'The day sheet of Omar for Tuesday 01/12/2026 was sent to the printer (6 appointments).',
    );
    expect(calls.find((c) => c.cmd === 'print_day_sheet')!.args).toMatchObject({ date: '2026-12-01', injectorId: 4 });
  });

  it('in an injector’s week, prints one day of it (today, unless another is chosen)', async () => {
    const calls = backend();
    render(BookViewScreen, { me: ROSA, onBook: () => {}, onStartSession: () => {}, onOpenChart: () => {} });
    await userEvent.selectOptions(await screen.findByLabelText('Show'), 'Week of one injector');
    await userEvent.click(await screen.findByRole('button', { name: 'Print day sheet for Nadia Needle, Tue 01/12/2026' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The day sheet of Nadia Needle for Tue 01/12/2026');
    expect(calls.find((c) => c.cmd === 'print_day_sheet')!.args).toMatchObject({ date: '2026-12-01', injectorId: 2 });
  });
});

describe('BookView moving by drag', () => {
  it('dropping an appointment on a free slot opens its move with that slot’s injector and time', async () => {
    const appointment = {
      id: 7, patientId: 1, patientName: 'Honor Blackwood', patientPhone: '', patientAlert: false, injectorId: 2,
      injectorName: 'Nadia Needle', roomId: null, roomName: '', kind: 'neurotoxin', kindLabel: 'Neurotoxin',
      startsAt: '2026-12-01T09:00:00.000Z', endsAt: '2026-12-01T09:30:00.000Z', minutes: 30, date: '2026-12-01',
      dateLabel: '01/12/2026', startLabel: '09:00', endLabel: '09:30', startMinute: 540, note: '', status: 'booked',
      statusLabel: 'booked', cancelReason: null, arrivedAt: null, sessionId: null,
    } as const;
    mockIPC((cmd) => {
      if (cmd === 'get_booking_setup') return SETUP;
      if (cmd === 'day_view') {
        const view = book('Tuesday 01/12/2026', '2026-12-01', [[2, 'Nadia Needle', '2026-12-01'], [4, 'Omar', '2026-12-01']]);
        view.lines = [{ minute: 540, label: '09:00' }, { minute: 555, label: '09:15' }, { minute: 570, label: '09:30' }];
        view.columns[0].appointments = [appointment];
        return view;
      }
      return null;
    });
    const booked: unknown[] = [];
    render(BookViewScreen, { me: ROSA, onBook: (p: unknown) => booked.push(p), onStartSession: () => {}, onOpenChart: () => {} });
    const block = await screen.findByTestId('appointment-7');
    expect(block).toHaveAttribute('draggable', 'true');
    block.dispatchEvent(new Event('dragstart', { bubbles: true }));
    const slot = screen.getByRole('button', { name: 'Book Omar at 09:30' });
    slot.dispatchEvent(new Event('drop', { bubbles: true, cancelable: true }));
    expect(booked).toEqual([{ injectorId: 4, date: '2026-12-01', time: '09:30', appointment }]);
    // Nadia's 09:00–09:30 is taken: no free slot to book there, but 09:30 is.
    expect(screen.queryByRole('button', { name: 'Book Nadia Needle at 09:00' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Book Nadia Needle at 09:30' })).toBeInTheDocument();
  });
});
