import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import RestoreView from './RestoreView.svelte';
import RecoverView from './RecoverView.svelte';
import type { BackupChoice } from '../../api';
import { actor } from './fixtures';

afterEach(() => clearMocks());

const backup: BackupChoice = {
  id: 'local/glabella-backup-20261130-180000000',
  createdAt: '2026-11-30T18:00:00.000Z',
  folder: '/data/backups',
  patients: 1,
  sessions: 3,
  glabellaVersion: '0.1.0',
  problem: null,
};
const tooNew: BackupChoice = { ...backup, id: 'chosen/x', patients: 5, problem: 'This backup was made by a newer version of Glabella (9.0.0).' };

describe('RestoreView', () => {
  it('lists the backups, refuses one from a newer Glabella, and restores with a password', async () => {
    const calls: [string, unknown][] = [];
    const owner = actor('admin', { userId: 1, username: 'owner', displayName: 'Olive Owner' });
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'list_backups') return [backup, tooNew];
      if (cmd === 'restore_backup') return { user: owner, backupCreatedAt: backup.createdAt, movedAside: '/data/before-restore-1' };
    });
    const onRestored = vi.fn();
    render(RestoreView, { onRestored, onRecoveryNeeded: vi.fn(), onCancel: vi.fn() });
    const radios = await screen.findAllByRole('radio');
    expect(radios[0]).toBeChecked();
    expect(radios[1]).toBeDisabled();
    expect(screen.getByText(/1 patient, 3 sessions/)).toBeInTheDocument();
    expect(screen.getByText(/newer version of Glabella/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Administrator's username"), 'owner');
    await userEvent.type(screen.getByLabelText('Password'), 'owner password');
    await userEvent.click(screen.getByRole('button', { name: 'Restore this backup' }));
    expect(calls.find(([c]) => c === 'restore_backup')?.[1]).toEqual({
      id: backup.id,
      unlock: { username: 'owner', password: 'owner password', recoveryKey: null },
    });
    expect(onRestored).toHaveBeenCalledWith(owner, expect.stringContaining('kept in /data/before-restore-1'));
  });

  it('shows a wrong recovery key beside its field', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_backups') return [backup];
      throw { code: 'validation', message: 'bad key', field: 'recoveryKey', fieldErrors: [{ field: 'recoveryKey', message: 'A recovery key has 32 letters and digits.' }], duplicates: [] };
    });
    render(RestoreView, { onRestored: vi.fn(), onRecoveryNeeded: vi.fn(), onCancel: vi.fn() });
    await screen.findAllByRole('radio');
    await userEvent.click(screen.getByLabelText('Use the recovery key instead of a password'));
    await userEvent.type(screen.getByLabelText('Recovery key'), 'nonsense');
    await userEvent.click(screen.getByRole('button', { name: 'Restore this backup' }));
    expect(await screen.findByTestId('error-recoveryKey')).toHaveTextContent('A recovery key has 32 letters and digits.');
  });
});

describe('RecoverView', () => {
  it('asks for the key, then an administrator and a new password', async () => {
    const owner = actor('admin', { userId: 7, username: 'owner', displayName: 'Olive Owner' });
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'recovery_admins') return [{ id: 7, username: 'owner', displayName: 'Olive Owner' }];
      if (cmd === 'recover_access') return owner;
    });
    const onSignedIn = vi.fn();
    render(RecoverView, { onSignedIn, onCancel: vi.fn() });
    await userEvent.type(screen.getByLabelText('Recovery key'), 'KEY');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByLabelText('Administrator')).toHaveValue('7');
    await userEvent.type(screen.getByLabelText('New password'), 'new password 1');
    await userEvent.type(screen.getByLabelText('Repeat new password'), 'new password 2');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(screen.getByTestId('error-repeatPassword')).toHaveTextContent('The two new passwords do not match.');
    await userEvent.clear(screen.getByLabelText('Repeat new password'));
    await userEvent.type(screen.getByLabelText('Repeat new password'), 'new password 1');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(calls.at(-1)).toEqual(['recover_access', { recoveryKey: 'KEY', userId: 7, password: 'new password 1' }]);
    expect(onSignedIn).toHaveBeenCalledWith(owner);
  });
});
