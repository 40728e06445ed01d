import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, Session, SessionForm, Vial } from '../../api';
import { useClinicWay } from '../../dates.svelte';
import { patient } from '../patients/fixtures';
import { actor } from '../signin/fixtures';
import SessionView from './SessionView.svelte';

afterEach(() => {
  clearMocks();
  useClinicWay({ timeZone: '', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' });
});

const INJECTOR: Actor = actor('injector', { userId: 2, username: 'ines', displayName: 'Inès Injector' });

const VIAL: Vial = {
  id: 3,
  lotId: 1,
  productId: 2,
  productName: 'Botox Cosmetic 100 U',
  kind: 'neurotoxin',
  unit: 'U',
  size: 100,
  lotNumber: 'C1234',
  expiry: '2027-06-30',
  expired: false,
  diluentMl: 2.5,
  singlePatient: false,
  openedAt: '2026-11-28T09:00:00.000Z',
  drawn: 0,
  unitsPerTenthMl: 4,
};

function draft(extra: Partial<Session> = {}): Session {
  return {
    id: 9,
    patientId: 1,
    injectorName: 'Inès Injector',
    startedAt: '2026-11-28T10:00:00.000Z',
    form: {
      kind: 'neurotoxin',
      consentConfirmed: false,
      consentVersion: '',
      screenAcknowledged: false,
      points: [],
      adverseEvents: [],
      notes: '',
      followUpDate: '2026-12-12',
      nextDueDate: '2027-02-26',
    },
    signedAt: null,
    signedByName: null,
    points: [],
    areaTotals: [],
    productTotals: [],
    vials: [],
    warnings: [],
    amendments: [],
    lastVisit: null,
    ...extra,
  };
}

describe('SessionView', () => {
  it('shows why a session cannot be signed beside each field', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_recent_vials') return [VIAL];
      if (cmd === 'sign_session') {
        throw {
          code: 'validation',
          message: 'Confirm that the patient has given consent before signing.',
          field: 'consentConfirmed',
          fieldErrors: [
            { field: 'consentConfirmed', message: 'Confirm that the patient has given consent before signing.' },
            { field: 'points', message: 'Place at least one injection point on the face chart before signing.' },
          ],
          duplicates: [],
        };
      }
      return null;
    });
    render(SessionView, { patient: patient({ allergies: 'Lidocaine' }), initial: draft(), me: INJECTOR, onBack: () => {}, onSaved: () => {} });
    expect(screen.getByText('Lidocaine')).toBeInTheDocument();
    expect(await screen.findByTestId('vial-facts')).toHaveTextContent('2.5 mL diluent: 4 U per 0.1 mL');
    await userEvent.click(screen.getByRole('button', { name: 'Sign session' }));
    expect(await screen.findByTestId('error-consentConfirmed')).toHaveTextContent('Confirm that the patient has given consent');
    expect(screen.getByTestId('error-points')).toHaveTextContent('Place at least one injection point');
    expect(screen.getByText(/Not signed/)).toBeInTheDocument();
  });

  it('marks the vials the core says have expired', async () => {
    // The core decides from the lot's expiry and today's date; the screen only shows it.
    const expired: Vial = { ...VIAL, id: 4, lotNumber: 'OLD1', expiry: '2026-11-27', expired: true };
    const stillGood: Vial = { ...VIAL, id: 5, lotNumber: 'C9', expiry: '2000-01-01', expired: false };
    mockIPC((cmd) => (cmd === 'list_recent_vials' ? [VIAL, expired, stillGood] : null));
    render(SessionView, { patient: patient(), initial: draft(), me: INJECTOR, onBack: () => {}, onSaved: () => {} });
    await screen.findByTestId('vial-facts');
    const options = [...(screen.getByLabelText('Vial or syringe') as HTMLSelectElement).options].map((o) => o.textContent ?? '');
    expect(options).toHaveLength(3);
    expect(options[0]).not.toContain('EXPIRED');
    expect(options[1]).toContain('lot OLD1');
    expect(options[1]).toContain('EXPIRED 27/11/2026: do not use');
    expect(options[2]).not.toContain('EXPIRED');
  });

  it('shows a signed session read-only, with its amendments and the form to add one', () => {
    mockIPC(() => []);
    const signed = draft({
      signedAt: '2026-11-28T10:30:00.000Z',
      signedByName: 'Inès Injector',
      amendments: [{ id: 1, authorName: 'Inès Injector', at: '2026-11-28T12:00:00.000Z', reason: 'Wrong area noted', text: 'Point 1 was procerus.' }],
    });
    render(SessionView, { patient: patient(), initial: signed, me: INJECTOR, onBack: () => {}, onSaved: () => {} });
    expect(screen.getByTestId('signed-banner')).toHaveTextContent('Signed by Inès Injector');
    expect(screen.queryByRole('button', { name: 'Sign session' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Open a new vial' })).toBeNull();
    expect(screen.getByTestId('amendment')).toHaveTextContent('Wrong area noted');
    expect(screen.getByLabelText('Reason for the correction')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add amendment' })).toBeInTheDocument();
  });

  it('shows the dates as the clinic writes them and keeps what is typed across draft saves', async () => {
    useClinicWay({ timeZone: 'America/Chicago', dateFormat: 'monthDayYear', timeFormat: 'twelveHour' });
    const sent: SessionForm[] = [];
    // The core stores the dates as year-month-day, whichever way they were typed.
    const stored = (form: SessionForm): SessionForm => ({ ...form, followUpDate: '2026-12-20', nextDueDate: '2027-02-26' });
    mockIPC((cmd, args) => {
      const { form } = (args ?? {}) as { form: SessionForm };
      if (cmd === 'save_session') {
        sent.push(form);
        return draft({ form: stored(form) });
      }
      if (cmd === 'sign_session') return draft({ form: stored(form), signedAt: '2026-11-28T10:30:00.000Z', signedByName: 'Inès Injector' });
      return [];
    });
    render(SessionView, { patient: patient(), initial: draft(), me: INJECTOR, onBack: () => {}, onSaved: () => {} });
    expect(screen.getByText(/Started 11\/28\/2026 4:00 AM by Inès Injector · born 03\/14\/1980/)).toBeInTheDocument();
    const followUp = screen.getByLabelText('Follow-up date');
    expect(followUp).toHaveValue('12/12/2026');
    expect(followUp).toHaveAttribute('placeholder', 'MM/DD/YYYY');
    expect(screen.getByLabelText('Next due date')).toHaveValue('02/26/2027');

    await userEvent.clear(followUp);
    await userEvent.type(followUp, '12/20/2026');
    expect(await screen.findByText(/Draft saved at \d{1,2}:\d{2} [AP]M/, {}, { timeout: 2000 })).toBeInTheDocument();
    expect(sent.at(-1)?.followUpDate).toBe('12/20/2026'); // sent as typed: the core reads it
    expect(followUp).toHaveValue('12/20/2026'); // the saved draft does not flip the field

    await userEvent.click(screen.getByRole('button', { name: 'Sign session' }));
    expect((await screen.findByText('Follow-up:')).closest('p')).toHaveTextContent('Follow-up: 12/20/2026 · Next due: 02/26/2027');
  });
});
