import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import WorkstationsPanel from './WorkstationsPanel.svelte';
import type { Workstation } from '../../api';

afterEach(() => clearMocks());

const desk: Workstation = { id: 'd1', name: 'Front desk', pairedAt: '2026-11-30T09:00:00Z', lastSeen: '2026-12-01T10:15:00Z', revokedAt: null, thisComputer: false };
const room: Workstation = { id: 'r1', name: 'Room 1', pairedAt: '2026-11-30T09:05:00Z', lastSeen: null, revokedAt: null, thisComputer: true };

describe('WorkstationsPanel', () => {
  it('lists the computers, shows a pairing code and revokes one after asking', async () => {
    const calls: [string, unknown][] = [];
    let listed = [desk, room];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'list_workstations') return listed;
      if (cmd === 'start_pairing') return { code: 'K7QM-2XHD-8F3A-PQ1Z-W4NB-R6TC', expiresAt: '2026-12-01T10:25:00Z' };
      if (cmd === 'revoke_workstation') {
        listed = [{ ...desk, revokedAt: '2026-12-01T10:20:00Z' }, room];
        return null;
      }
    });
    render(WorkstationsPanel, { address: '192.168.1.10:7443' });
    await screen.findByText('Front desk');
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[2]).getByText('Not since pairing')).toBeInTheDocument();
    expect(within(rows[2]).getByText('(this computer)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke Room 1' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Show a pairing code' }));
    expect(await screen.findByTestId('pairing-code')).toHaveTextContent('K7QM-2XHD-8F3A-PQ1Z-W4NB-R6TC');
    expect(screen.getByText(/with the server address 192\.168\.1\.10:7443/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Revoke Front desk' }));
    expect(calls.some(([cmd]) => cmd === 'revoke_workstation')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, revoke Front desk' }));
    expect(await screen.findByText(/Front desk is revoked/)).toBeInTheDocument();
    expect(calls).toContainEqual(['revoke_workstation', { id: 'd1' }]);
    expect(screen.getByText(/^Revoked /)).toBeInTheDocument();
  });
});
