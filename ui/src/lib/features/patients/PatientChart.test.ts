import { render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role, SessionSummary } from '../../api';
import { actor } from '../signin/fixtures';
import PatientChart from './PatientChart.svelte';
import { patient } from './fixtures';
import { blankDetails } from './patients';

afterEach(() => clearMocks());

const SIGNED: SessionSummary = {
  id: 7,
  startedAt: '2026-08-01T09:30:00.000Z',
  kind: 'neurotoxin',
  signed: true,
  injectorName: 'Inès Injector',
  areas: [
    { area: 'glabella', areaLabel: 'Glabella', productName: 'Botox Cosmetic 100 U', dose: 20, unit: 'U' },
    { area: 'glabella', areaLabel: 'Glabella', productName: 'Dysport 300 U', dose: 50, unit: 'U' },
  ],
  products: [
    { productName: 'Botox Cosmetic 100 U', dose: 20, unit: 'U', lotNumbers: ['C1234'] },
    { productName: 'Dysport 300 U', dose: 50, unit: 'U', lotNumbers: ['D77'] },
  ],
  amendments: 1,
};

function show(p: ReturnType<typeof patient>, role: Role = 'receptionist', sessions: SessionSummary[] = []) {
  mockIPC((cmd) => (cmd === 'list_patient_sessions' ? sessions : cmd === 'list_handouts' ? [] : null));
  render(PatientChart, {
    patient: p,
    me: actor(role),
    onEdit: vi.fn(),
    onBack: vi.fn(),
    onChanged: vi.fn(),
    onOpenSession: vi.fn(),
    onStartSession: vi.fn(),
    onBook: vi.fn(),
  });
}

describe('PatientChart', () => {
  it('puts allergies and medical flags in the alert box', () => {
    show(patient({ allergies: 'Lidocaine', flags: { ...blankDetails().flags, pregnantOrBreastfeeding: true, neuromuscularDisorder: true } }));
    const alerts = within(screen.getByTestId('alerts'));
    expect(alerts.getByText('Lidocaine')).toBeInTheDocument();
    expect(alerts.getByText('Pregnant or breastfeeding')).toBeInTheDocument();
    expect(alerts.getByText('Neuromuscular disorder')).toBeInTheDocument();
    expect(alerts.queryByText('Blood thinners')).toBeNull();
  });

  it('says plainly when there is nothing to warn about', async () => {
    show(patient());
    expect(within(screen.getByTestId('alerts')).getByText('No known allergies recorded.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'María Núñez' })).toBeInTheDocument();
    expect(await screen.findByText('No treatments recorded yet.')).toBeInTheDocument();
  });

  it('offers to restore an archived patient', () => {
    show(patient({}, '2026-11-01T09:00:00.000Z'));
    expect(screen.getByRole('button', { name: 'Restore patient' })).toBeInTheDocument();
    expect(screen.getByText(/This patient is archived/)).toBeInTheDocument();
  });

  it('shows the front desk each session summarised, product by product, without a way in', async () => {
    show(patient(), 'receptionist', [SIGNED]);
    const item = within(await screen.findByTestId('session-summary'));
    expect(item.getByText('Signed')).toBeInTheDocument();
    expect(item.getByText(/Glabella 20 U Botox Cosmetic 100 U, lot C1234; Glabella 50 U Dysport 300 U, lot D77/)).toBeInTheDocument();
    expect(item.getByText('Total Botox Cosmetic 100 U: 20 U (lot C1234)')).toBeInTheDocument();
    expect(item.queryByText(/70 U/)).toBeNull();
    expect(screen.queryByRole('button', { name: /session/ })).toBeNull();
  });

  it('lets an admin read a session but not start or continue one', async () => {
    show(patient(), 'admin', [{ ...SIGNED, signed: false }]);
    expect(await screen.findByRole('button', { name: /^View session of/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Continue session of/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start session' })).toBeNull();
  });

  it('lets an injector start a session and open a past one', async () => {
    show(patient(), 'injector', [SIGNED]);
    expect(await screen.findByRole('button', { name: /^View session of/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start session' })).toBeInTheDocument();
    expect(screen.getByLabelText('Treatment kind')).toBeInTheDocument();
  });
});
