import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exported } from '../../api';
import ExportPanel from './ExportPanel.svelte';

afterEach(() => clearMocks());

const SAVED: Exported = {
  fileName: 'glabella-export-2026-12-01.zip',
  counts: { patients: 1200, sessions: 3600, points: 13000, appointments: 4100, handouts: 1 },
};

describe('ExportPanel', () => {
  it('exports everything as CSV or FHIR, naming the file and what it holds, or says it was cancelled', async () => {
    const asked: string[] = [];
    let answer: Exported | null = SAVED;
    mockIPC((cmd) => {
      asked.push(cmd);
      return answer;
    });
    render(ExportPanel);
    await userEvent.click(screen.getByRole('button', { name: 'Export everything as CSV (.zip)' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Saved glabella-export-2026-12-01.zip: 1,200 patients, 3,600 sessions (13,000 injection points), 4,100 appointments, 1 handout.',
    );
    answer = null;
    await userEvent.click(screen.getByRole('button', { name: 'Export everything as FHIR R4 (JSON)' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Cancelled: nothing was exported.');
    expect(asked).toEqual(['export_everything_csv', 'export_everything_fhir']);
  });

  it('shows a refusal in plain words', async () => {
    mockIPC(() => {
      throw { code: 'auth.forbidden', message: 'Your role does not allow this. Ask an administrator if you need it.' };
    });
    render(ExportPanel);
    await userEvent.click(screen.getByRole('button', { name: 'Export everything as FHIR R4 (JSON)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your role does not allow this.');
  });
});
