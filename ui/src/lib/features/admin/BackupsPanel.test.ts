import { render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import BackupsPanel from './BackupsPanel.svelte';
import type { BackupStatus } from '../../api';

afterEach(() => clearMocks());

const status: BackupStatus = {
  folder: null,
  localFolder: '/var/lib/glabella/backups',
  lastVerified: null,
  failures: [],
  keptLocal: 3,
  keptInFolder: null,
  nextAt: '2026-12-02T09:00:00Z',
  overdue: false,
  recent: [],
};

describe('BackupsPanel', () => {
  it('on this computer, offers to choose the backup folder', async () => {
    mockIPC((cmd) => (cmd === 'backup_status' ? status : null));
    render(BackupsPanel);
    expect(await screen.findByText('None chosen: backups stay on this computer only')).toBeInTheDocument();
    expect(screen.getByText('3 on this computer')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Choose backup folder…' })).toBeInTheDocument();
  });

  it("on a workstation, speaks of the server's backups and sends the folder to the server's computer", async () => {
    mockIPC((cmd) => (cmd === 'backup_status' ? status : null));
    render(BackupsPanel, { server: '192.168.1.10:7443' });
    expect(await screen.findByText("None chosen: backups stay on the server's computer only")).toBeInTheDocument();
    expect(screen.getByText("3 on the server's computer")).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Choose backup folder…' })).toBeNull();
    expect(document.body.textContent?.replace(/\s+/g, ' ')).toMatch(/run glabella-admin backup-folder on the server's computer/);
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeInTheDocument();
  });
});
