import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandoutRecord, Session } from '../../api';
import HandoutPanel from './HandoutPanel.svelte';

afterEach(() => clearMocks());

const SESSION = { id: 9, patientId: 1, startedAt: '2026-11-28T10:00:00.000Z', form: { kind: 'neurotoxin' } } as Session;

function record(id: number, extra: Partial<HandoutRecord> = {}): HandoutRecord {
  return {
    id,
    sessionId: 9,
    givenAt: '2026-11-28T11:00:00.000Z',
    givenByName: 'Rita Reception',
    how: 'print',
    templateTitle: 'After your neurotoxin treatment',
    templateVersion: 2,
    articles: [],
    sha256: 'ab'.repeat(32),
    failure: null,
    ...extra,
  };
}

type Handler = (args: Record<string, unknown>) => unknown;

function backend(handlers: Record<string, Handler>) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    if (cmd === 'search_library') return [];
    if (cmd === 'list_handouts') return [];
    return null;
  });
  return calls;
}

describe('HandoutPanel', () => {
  it('shows why a print failed, and lists the failed handout', async () => {
    let recorded: HandoutRecord[] = [];
    const calls = backend({
      list_handouts: () => recorded,
      print_handout: () => {
        // Recorded when sent; the printer then refused it.
        recorded = [record(4, { failure: 'The printer is out of paper.' })];
        throw { code: 'handout.print', message: 'The handout could not be printed: the printer is out of paper.', field: null, fieldErrors: [], duplicates: [] };
      },
    });
    render(HandoutPanel, { session: SESSION });
    expect(await screen.findByText('No handouts given yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Print aftercare handout' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The handout could not be printed: the printer is out of paper.');
    const given = await screen.findByTestId('handout');
    expect(within(given).getByTestId('handout-failure')).toHaveTextContent('Print failed: The printer is out of paper.');
    expect(calls.filter((c) => c.cmd === 'list_handouts')).toHaveLength(2);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says where the PDF was saved, and nothing when the person cancels', async () => {
    let answer: unknown = { record: record(5, { how: 'pdf' }), fileName: 'aftercare-patient-5-2026-11-28.pdf' };
    const calls = backend({ save_handout_pdf: () => answer });
    render(HandoutPanel, { session: SESSION });
    await screen.findByText('No handouts given yet.');
    await userEvent.click(screen.getByRole('button', { name: 'Save handout as PDF' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'The aftercare handout was saved as a PDF and recorded in the chart: aftercare-patient-5-2026-11-28.pdf.',
    );
    expect(screen.getByTestId('handout')).toHaveTextContent('saved as PDF by Rita Reception');
    expect(screen.queryByTestId('handout-failure')).toBeNull();
    // The page names no path: the shell asks where.
    expect(calls.find((c) => c.cmd === 'save_handout_pdf')?.args).toEqual({ sessionId: 9, articleIds: [] });

    answer = null;
    await userEvent.click(screen.getByRole('button', { name: 'Save handout as PDF' }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'save_handout_pdf')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(screen.getAllByTestId('handout')).toHaveLength(1);
  });
});
