import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import AuditView from './AuditView.svelte';

afterEach(() => clearMocks());

function backend(exported: string | null) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'export_audit_csv') return exported;
    return [];
  });
  return calls;
}

const NO_FILTER = { from: null, to: null, userId: null, patientId: null, action: null, limit: null };

describe('AuditView', () => {
  it('exports the filtered entries and names the file saved', async () => {
    const calls = backend('glabella-audit.csv');
    render(AuditView);
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved glabella-audit.csv.');
    // The shell asks where with the native dialog: the page sends only the filter.
    expect(calls.find((c) => c.cmd === 'export_audit_csv')?.args).toEqual({ filter: NO_FILTER });
  });

  it('says nothing when the person cancels the save dialog', async () => {
    const calls = backend(null);
    render(AuditView);
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'export_audit_csv')).toBe(true));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
