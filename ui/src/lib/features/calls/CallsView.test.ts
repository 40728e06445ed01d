import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, DuePatient } from '../../api';
import CallsView from './CallsView.svelte';

afterEach(() => clearMocks());

const ROSA: Actor = { userId: 3, username: 'rosa', displayName: 'Rosa', role: 'receptionist', permissions: ['demographics', 'booking'] };
const INES: Actor = { userId: 2, username: 'ines', displayName: 'Ines', role: 'injector', permissions: ['demographics', 'clinicalRead'] };

const ANN: DuePatient = {
  patientId: 1,
  patientName: 'Ann Lee',
  phone: '(555) 010-2030',
  lastTreatment: 'Neurotoxin',
  lastTreated: '01/12/2026',
  injectorName: 'Nadia Needle',
  injectorId: 2,
  kind: 'neurotoxin',
  nextDueDate: '2027-03-01',
  nextDue: '01/03/2027',
  overdueDays: -9,
  lastCall: '',
};

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    if (cmd === 'recall_list') return { rows: [ANN], more: true };
    return null;
  });
  return calls;
}

describe('CallsView', () => {
  it('prints the shown list with every page, and says how many patients went to the printer', async () => {
    const calls = backend({ print_call_list: () => 12 });
    render(CallsView, { me: ROSA, onBook: () => {} });
    await userEvent.click(await screen.findByRole('button', { name: 'Print call list' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The call list was sent to the printer (12 patients).');
    const printed = calls.find((c) => c.cmd === 'print_call_list')!;
    expect(printed.args.query).toMatchObject({ dueWithinDays: 14, quietDays: 7 });
  });

  it('saves the list as CSV, or says that nothing was saved when the dialog was cancelled', async () => {
    let saved: unknown = { fileName: 'call-list-2026-12-01.csv', patients: 1 };
    backend({ export_call_list_csv: () => saved });
    render(CallsView, { me: ROSA, onBook: () => {} });
    const button = await screen.findByRole('button', { name: 'Export call list as CSV' });
    await userEvent.click(button);
    expect(await screen.findByRole('status')).toHaveTextContent('Saved call-list-2026-12-01.csv (1 patient).');
    saved = null;
    await userEvent.click(button);
    expect(await screen.findByRole('status')).toHaveTextContent('Cancelled: the call list was not saved.');
  });

  it('offers neither to an injector, who does not make the calls', async () => {
    backend({});
    render(CallsView, { me: INES, onBook: () => {} });
    expect(await screen.findByText('Ann Lee')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Print call list' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Export call list as CSV' })).toBeNull();
  });
});
