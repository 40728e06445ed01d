import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import PatientChart from './PatientChart.svelte';
import { patient } from './fixtures';
import { blankDetails } from './patients';

function show(p: ReturnType<typeof patient>) {
  render(PatientChart, { patient: p, onEdit: vi.fn(), onBack: vi.fn(), onChanged: vi.fn() });
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

  it('says plainly when there is nothing to warn about', () => {
    show(patient());
    expect(within(screen.getByTestId('alerts')).getByText('No known allergies recorded.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'María Núñez' })).toBeInTheDocument();
    expect(screen.getByText('No treatments recorded yet.')).toBeInTheDocument();
  });

  it('offers to restore an archived patient', () => {
    show(patient({}, '2026-11-01T09:00:00.000Z'));
    expect(screen.getByRole('button', { name: 'Restore patient' })).toBeInTheDocument();
    expect(screen.getByText(/This patient is archived/)).toBeInTheDocument();
  });
});
