import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useClinicWay } from '../../dates.svelte';
import PatientForm from './PatientForm.svelte';
import { patient, summary } from './fixtures';
import { blankDetails } from './patients';

afterEach(() => {
  clearMocks();
  useClinicWay({ timeZone: '', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' });
});

function props() {
  return { initial: blankDetails(), onSaved: vi.fn(), onCancel: vi.fn(), onOpenExisting: vi.fn() };
}

describe('PatientForm', () => {
  it('shows every field error from the core beside its field', async () => {
    mockIPC(() => {
      throw {
        code: 'validation',
        message: 'First name is required.',
        field: 'givenName',
        fieldErrors: [
          { field: 'givenName', message: 'First name is required.' },
          { field: 'email', message: 'Email does not look like an address (e.g. name@example.com).' },
        ],
        duplicates: [],
      };
    });
    const p = props();
    render(PatientForm, p);
    await userEvent.type(screen.getByLabelText('Email'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Register patient' }));
    expect(await screen.findByTestId('error-givenName')).toHaveTextContent('First name is required.');
    expect(screen.getByTestId('error-email')).toHaveTextContent('Email does not look like an address');
    expect(screen.getByLabelText('First name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).toHaveValue('nope'); // nothing typed is lost
    expect(p.onSaved).not.toHaveBeenCalled();
  });

  it('shows the core\'s invisible-character message beside the name field', async () => {
    let sent = '';
    mockIPC((_cmd, args) => {
      sent = (args as { details: { familyName: string } }).details.familyName;
      const message = 'This field contains an invisible character (right-to-left override) — retype it.';
      throw { code: 'validation', message, field: 'familyName', fieldErrors: [{ field: 'familyName', message }], duplicates: [] };
    });
    render(PatientForm, props());
    await userEvent.type(screen.getByLabelText('Last name'), 'Lee\u202Enna');
    await userEvent.click(screen.getByRole('button', { name: 'Register patient' }));
    expect(await screen.findByTestId('error-familyName')).toHaveTextContent('invisible character (right-to-left override)');
    expect(screen.getByLabelText('Last name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Last name')).toHaveValue('Lee\u202Enna'); // kept, for the person to retype
    expect(sent).toBe('Lee\u202Enna'); // the UI sends what was typed; the core decides
  });

  it('sends what was typed and hands back the saved patient', async () => {
    let sent: Record<string, unknown> = {};
    mockIPC((cmd, args) => {
      sent = { cmd, ...(args as object) };
      return patient();
    });
    const p = props();
    render(PatientForm, p);
    await userEvent.type(screen.getByLabelText('First name'), 'María');
    await userEvent.type(screen.getByLabelText('Last name'), 'Núñez');
    await userEvent.type(screen.getByLabelText('Date of birth'), '14/03/1980');
    await userEvent.click(screen.getByLabelText('Blood thinners'));
    await userEvent.click(screen.getByRole('button', { name: 'Register patient' }));
    expect(sent.cmd).toBe('register_patient');
    expect(sent.registerAnyway).toBe(false);
    const details = sent.details as ReturnType<typeof blankDetails>;
    expect([details.givenName, details.familyName, details.dateOfBirth, details.flags.bloodThinners]).toEqual(['María', 'Núñez', '14/03/1980', true]);
    expect(p.onSaved).toHaveBeenCalledOnce();
  });

  it('warns of a likely duplicate and registers anyway on request', async () => {
    const anyway: boolean[] = [];
    mockIPC((_cmd, args) => {
      const { registerAnyway } = args as { registerAnyway: boolean };
      anyway.push(registerAnyway);
      if (!registerAnyway) {
        throw { code: 'patient.duplicate', message: 'A patient with the same name and date of birth is already registered.', field: null, fieldErrors: [], duplicates: [summary(3, 'María', 'Núñez')] };
      }
      return patient();
    });
    const p = props();
    render(PatientForm, p);
    await userEvent.click(screen.getByRole('button', { name: 'Register patient' }));
    expect(await screen.findByText('A patient with the same name and date of birth is already registered.')).toBeInTheDocument();
    expect(screen.getByText(/Núñez, María, born 14\/03\/1980/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Register anyway' }));
    expect(anyway).toEqual([false, true]);
    expect(p.onSaved).toHaveBeenCalledOnce();
  });

  it('shows the stored date of birth as the clinic writes dates, and asks for it that way', () => {
    useClinicWay({ timeZone: 'UTC', dateFormat: 'monthDayYear', timeFormat: 'twelveHour' });
    const p = patient();
    render(PatientForm, { ...props(), patient: p, initial: p.details });
    const field = screen.getByLabelText('Date of birth');
    expect(field).toHaveValue('03/14/1980');
    expect(field).toHaveAttribute('placeholder', 'MM/DD/YYYY');
    expect(field).toHaveAccessibleDescription('e.g. 03/14/1980');
  });
});
