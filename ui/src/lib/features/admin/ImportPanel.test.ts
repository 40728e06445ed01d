import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import type { PatientImportPreview, PatientImportReport } from '../../api';
import ImportPanel from './ImportPanel.svelte';

afterEach(() => clearMocks());

function preview(extra: Partial<PatientImportPreview> = {}): PatientImportPreview {
  return {
    token: 't1',
    fileName: 'old-system.csv',
    sizeBytes: 2048,
    settings: {
      encoding: 'utf8',
      delimiter: 'semicolon',
      datePattern: 'dayMonthYear',
      columns: ['firstName', 'lastName', 'dateOfBirth', null],
      duplicates: 'skip',
    },
    headers: ['Vorname', 'Surname', 'DOB', 'Colour'],
    sample: [['Zoë', 'Müller', '14/03/1985', 'blue']],
    rows: 4,
    toAdd: 2,
    duplicatesExisting: 1,
    duplicatesInFile: 0,
    refused: [{ row: 3, reason: 'date of birth 31/02/1980 is not a date (read as DD/MM/YYYY)' }],
    refusedCount: 1,
    unmapped: [],
    ...extra,
  };
}

function backend(chosen: PatientImportPreview | null) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'choose_import_file') return chosen;
    if (cmd === 'preview_import') {
      const options = (args as { options: { datePattern: 'monthDayYear' } }).options;
      return preview({ settings: { ...preview().settings, datePattern: options.datePattern }, refused: [], refusedCount: 0, toAdd: 3 });
    }
    if (cmd === 'import_patients') {
      const report: PatientImportReport = { added: 3, merged: 0, skipped: 1, refused: [], refusedCount: 0, sha256: 'ab' };
      return report;
    }
    return null;
  });
  return calls;
}

describe('ImportPanel', () => {
  it('previews the chosen file, re-reads it with another date pattern, then imports', async () => {
    const calls = backend(preview());
    render(ImportPanel);
    await userEvent.click(screen.getByRole('button', { name: 'Choose CSV file…' }));
    expect(await screen.findByTestId('import-file')).toHaveTextContent('old-system.csv (2 KB, 4 rows)');
    const summary = screen.getByTestId('import-summary');
    expect(summary).toHaveTextContent('2 new patients will be added.');
    expect(summary).toHaveTextContent('1 row is likely already registered: they will be skipped.');
    expect(summary).toHaveTextContent('1 row cannot be imported:');
    expect(screen.getByTestId('import-refused')).toHaveTextContent('Row 3: date of birth 31/02/1980 is not a date (read as DD/MM/YYYY)');
    expect(screen.getByLabelText('Separator')).toHaveValue('semicolon');
    expect(screen.getByLabelText('Imported as, column Colour')).toHaveValue('');

    await userEvent.selectOptions(screen.getByLabelText('Dates in the file'), 'monthDayYear');
    await waitFor(() => expect(screen.getByTestId('import-summary')).toHaveTextContent('3 new patients will be added.'));
    const asked = calls.find((c) => c.cmd === 'preview_import')!.args;
    expect(asked.token).toBe('t1');
    expect(asked.options).toMatchObject({ datePattern: 'monthDayYear', columns: ['firstName', 'lastName', 'dateOfBirth', null] });
    expect(screen.queryByTestId('import-refused')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Import 3 patients' }));
    expect(await screen.findByTestId('import-notice')).toHaveTextContent('Import done: 3 patients added, 1 skipped as already registered.');
    expect(calls.find((c) => c.cmd === 'import_patients')?.args).toMatchObject({ token: 't1', options: { datePattern: 'monthDayYear' } });
    expect(screen.queryByTestId('import-file')).toBeNull();
  });

  it('names the required fields no column fills, and will not import until they are chosen', async () => {
    backend(preview({ unmapped: ['dateOfBirth'], settings: { ...preview().settings, columns: ['firstName', 'lastName', null, null] } }));
    render(ImportPanel);
    await userEvent.click(screen.getByRole('button', { name: 'Choose CSV file…' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Choose the column for Date of birth');
    expect(screen.getByRole('button', { name: 'Import 2 patients' })).toBeDisabled();
  });

  it('says nothing when the person cancels the open dialog', async () => {
    const calls = backend(null);
    render(ImportPanel);
    await userEvent.click(screen.getByRole('button', { name: 'Choose CSV file…' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'choose_import_file')).toBe(true));
    expect(screen.queryByTestId('import-file')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
