// Importing patients from a spreadsheet, on the real app. The open dialog cannot be
// driven through WebDriver, so e2e builds "pick" the file named by GLABELLA_OPEN_FILE.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appTest } from './app.mjs';

/** The old system's patient list: semicolons, a quoted address over two lines, one bad date. */
const LIST = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-import-')), 'old-system.csv');
fs.writeFileSync(
  LIST,
  '\ufeffFirst Name;Surname;DOB;Mobile;Address\n' +
    'Zoë;Müller;14/03/1985;+49 170 1234567;"Hauptstraße 1\n10115 Berlin"\n' +
    'Bad;Date;31/02/1980;;\n' +
    'Bo;Kim;05/05/1990;;\n',
);

appTest('an administrator imports a CSV file with one bad row, sees it named, and finds an imported patient', async (app) => {
  await app.click('Settings');
  await app.section('Import patients');
  await app.click('Choose CSV file…');
  await app.waitForText('old-system.csv');
  await app.fill('Dates in the file', 'DD/MM/YYYY (14/03/1980)');
  await app.waitForText('2 new patients will be added.');
  await app.waitForText('Row 3: date of birth 31/02/1980 is not a date (read as DD/MM/YYYY)');
  assert.equal(await app.field('Separator').then((s) => s.getValue()), 'semicolon');
  await (await app.testId('import-summary')).scrollIntoView();
  await new Promise((r) => setTimeout(r, 1500));
  await app.screenshot('import-preview');

  await app.click('Import 2 patients');
  await app.waitForText('Import done: 2 patients added, 1 row refused.');

  await app.click('Patients');
  await app.search('mull');
  await app.waitForResult('Müller');
  await app.press('ArrowDown');
  await app.press('Enter');
  await app.waitForH1('Zoë Müller');
  await app.waitForText('Hauptstraße 1');
}, { env: { GLABELLA_OPEN_FILE: LIST } });
