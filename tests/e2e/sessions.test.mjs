// Injection sessions on the real app: stock received (typed and scanned), an expired
// lot refused, an injector charting and signing a session on the face chart, printing
// the aftercare handout, the chart showing both, the front desk seeing only the summary, and the lot recall finding the
// patient.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appTest, normalize } from './app.mjs';

/** Where the app "prints" in tests (GLABELLA_PRINT_TO_DIR): there is no printer here. */
const PRINTED = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-printed-'));
/** Where "Save as" saves in e2e builds (GLABELLA_SAVE_TO_DIR): a native dialog cannot be driven here. */
const SAVED = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-saved-'));

const INJECTOR = { fullName: 'Nadia Needle', username: 'nadia', role: 'Injector', password: 'sharp enough 123' };
const RECEPTIONIST = { fullName: 'Rosa Front', username: 'rosa', role: 'Receptionist', password: 'front desk 12345' };
const PATIENT = { 'First name': 'Honor', 'Last name': 'Blackwood', 'Date of birth': '1979-05-14', 'Phone': '0117 496 0777', 'Allergies': 'Lidocaine' };

/** A date `days` from today, as year-month-day. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A year-month-day date as the clinic shows it (day first, its default). */
function shown(ymd) {
  return ymd.split('-').reverse().join('/');
}

/** As the admin, on Stock: receives `quantity` of `product`, lot `lot`, expiring `expiry`. */
async function receive(app, product, lot, expiry, quantity = '5') {
  await app.fillForm({ 'Product': product, 'Lot number': lot, 'Expiry date': expiry, 'Quantity': quantity });
  await app.click('Receive stock');
}

appTest('stock in, a session charted on the face and signed, the chart and the recall follow from it', async (app) => {
  await app.createAccount(INJECTOR);
  await app.createAccount(RECEPTIONIST);

  // Stock: a typed delivery, a scanned box, and an expired lot refused beside its field.
  await app.click('Stock');
  await app.heading('Receive stock');
  await receive(app, 'Botox Cosmetic 100 U', 'C1234', inDays(200));
  await app.waitForText('Received 5 × Botox Cosmetic 100 U, lot C1234');
  await app.fill('Lot number', '01003612345678901727123110S9876');
  await app.press('Enter');
  await app.waitForText('Read from the barcode: lot S9876, expiry 31/12/2027, GTIN 00361234567890');
  assert.equal(await (await app.field('Lot number')).getValue(), 'S9876');
  assert.equal(await (await app.field('Expiry date')).getValue(), '31/12/2027');
  await receive(app, 'Xeomin 100 U', 'OLD1', '2020-01-31', '2');
  const expired = app.testId('error-expiry');
  await expired.waitForDisplayed({ timeoutMsg: 'the expired lot was not refused beside "Expiry date"' });
  assert.equal(normalize(await expired.getText()), 'Lot OLD1 expired on 31/01/2020. Expired stock cannot be used; set it aside.');
  const rows = await app.browser.$$('[data-testid="lot-row"]');
  const lots = [];
  for (const r of rows) lots.push(normalize(await r.getText()));
  assert.ok(lots.some((l) => l.includes('C1234')), `C1234 is in stock: ${JSON.stringify(lots)}`);
  assert.ok(!lots.some((l) => l.includes('OLD1')), `the expired lot was stored: ${JSON.stringify(lots)}`);

  await app.click('Patients');
  await app.registerPatient(PATIENT);
  await app.signOut();

  // The injector charts the session.
  await app.signIn(INJECTOR.username, INJECTOR.password);
  await app.openPatient('blackw', 'Blackwood, Honor', 'Honor Blackwood');
  await app.fill('Treatment kind', 'Neurotoxin');
  await app.click('Start session');
  await app.waitForH1('Neurotoxin session · Honor Blackwood');
  await app.waitForText('Lidocaine');
  await app.waitForText('Last visit: none recorded.');

  await app.click('Open a new vial');
  await app.fill('Lot', `Botox Cosmetic 100 U · lot C1234 · expires ${shown(inDays(200))} · 5 unopened`);
  assert.equal(await (await app.field('Diluent (mL)')).getValue(), '2.5', 'the default diluent of the product');
  await app.click('Open vial');
  await app.waitForText('2.5 mL diluent: 4 U per 0.1 mL');

  await app.clickFaceChart(0.5, 0.312); // between the brows
  await app.clickFaceChart(0.5, 0.2); // the forehead
  await app.clickFaceChart(0.725, 0.368); // beside the patient's left eye
  const points = await app.browser.$$('[data-testid="chart-point"]');
  assert.equal(points.length, 3, 'three points on the face chart');
  assert.equal(await (await app.field('Area of point 1')).getValue(), 'glabella');
  assert.equal(await (await app.field('Area of point 2')).getValue(), 'forehead');
  assert.equal(await (await app.field('Area of point 3')).getValue(), 'crows_feet_left');
  await app.fill('Dose of point 1 (U)', '20');
  await app.fill('Dose of point 2 (U)', '10');
  await app.fill('Dose of point 3 (U)', '12');
  await app.fill('Consent confirmed', true);
  await app.fill('Consent form version', 'Neurotoxin consent v3');
  await app.fill('Allergies, medical flags and contraindications reviewed with the patient', true);
  await app.waitForText('Draft — Draft saved at');
  const totals = app.testId('totals');
  await app.browser.waitUntil(async () => /Botox Cosmetic 100 U: 42 U \(lot C1234\)/.test(normalize(await totals.getText())), {
    timeoutMsg: 'the product total of 42 U is not shown',
  });
  const totalText = normalize(await totals.getText());
  assert.match(totalText, /Glabella\s*Botox Cosmetic 100 U\s*20 U/);
  assert.match(totalText, /Crow's feet \(left\)\s*Botox Cosmetic 100 U\s*12 U/);
  await app.waitForText('0.5 mL'); // the volume to draw for 20 U at 4 U per 0.1 mL
  await app.screenshot('session-draft');

  await app.click('Sign session');
  await app.waitForText(`Signed by ${INJECTOR.fullName}`);
  const doses = await app.browser.$$('input[aria-label^="Dose of point"]');
  assert.equal(doses.length, 0, 'a signed session has no dose inputs left');

  // One click from the signed session to the printed handout, with a library article.
  await app.fill('Your first two weeks after neurotoxin treatment', true);
  await app.click('Print aftercare handout');
  await app.waitForText('The aftercare handout was sent to the printer and recorded in the chart.');
  const printed = path.join(PRINTED, 'handout-1.pdf');
  assert.ok(fs.existsSync(printed), `nothing was printed to ${PRINTED}`);
  const handout = normalize(execFileSync('pdftotext', [printed, '-']).toString());
  for (const expected of ['Honor Blackwood', 'Glabella 20 U, Forehead 10 U', "Crow's feet (left) 12 U", 'lot C1234',
    'trouble swallowing, speaking or breathing', 'Your first two weeks after neurotoxin treatment']) {
    assert.ok(handout.includes(expected), `the printed handout lacks ${JSON.stringify(expected)}: ${handout.slice(0, 1500)}`);
  }
  await app.screenshot('session-signed');

  // Save as PDF: the shell asks where (the native dialog; here the test's folder) and
  // saves the file under the name it suggests.
  await app.click('Save handout as PDF');
  await app.waitForText('The aftercare handout was saved as a PDF and recorded in the chart: aftercare-patient-');
  const savedPdfs = fs.readdirSync(SAVED).filter((f) => /^aftercare-patient-\d+-\d{4}-\d{2}-\d{2}\.pdf$/.test(f));
  assert.equal(savedPdfs.length, 1, `saved: ${fs.readdirSync(SAVED)}`);
  assert.match(normalize(execFileSync('pdftotext', [path.join(SAVED, savedPdfs[0]), '-']).toString()), /Honor Blackwood/);

  // A printer that refuses: the person is told why, and the handout stays in the chart
  // marked as failed. (The stand-in printer cannot write where a folder is in the way.)
  fs.mkdirSync(path.join(PRINTED, 'handout-3.pdf'));
  await app.click('Print aftercare handout');
  await app.waitForText('The handout could not be printed');
  const failure = app.testId('handout-failure');
  await failure.waitForDisplayed({ timeoutMsg: 'the failed print is not shown with its handout' });
  assert.match(normalize(await failure.getText()), /Print failed: The handout could not be printed/);
  await app.screenshot('session-print-failed');

  await app.click('Back to chart');
  await app.waitForH1('Honor Blackwood');
  const summary = app.testId('session-summary');
  await summary.waitForDisplayed({ timeoutMsg: 'the chart does not list the session' });
  const summaryText = normalize(await summary.getText());
  assert.match(summaryText, /Signed/);
  assert.match(summaryText, /Glabella 20 U, Forehead 10 U, Crow's feet \(left\) 12 U Botox Cosmetic 100 U, lot C1234/);
  assert.match(summaryText, new RegExp(INJECTOR.fullName));
  const given = app.testId('handout');
  await given.waitForDisplayed({ timeoutMsg: 'the chart does not list the handout given' });
  const handoutsGiven = [];
  for (const h of await app.browser.$$('[data-testid="handout"]')) handoutsGiven.push(await h.getText());
  assert.equal(handoutsGiven.length, 3, `handouts listed: ${JSON.stringify(handoutsGiven)}`);
  assert.match(normalize(handoutsGiven[2]), new RegExp(`printed by ${INJECTOR.fullName}.*Your first two weeks after neurotoxin treatment \\(version 1\\)`));
  assert.match(normalize(handoutsGiven[1]), new RegExp(`saved as PDF by ${INJECTOR.fullName}`));
  assert.match(normalize(handoutsGiven[0]), /Print failed/);

  // The lot recall finds her, with how to reach her.
  await app.click('Lot recall');
  await app.fill('Lot number', 'c1234');
  await app.click('Find patients');
  await app.waitForText('Lot c1234: 1 patient, 1 session.');
  const recall = normalize(await app.testId('recall-row').getText());
  assert.match(recall, /Honor Blackwood/);
  assert.match(recall, /0117 496 0777/);
  assert.match(recall, /42 U/);
  await app.signOut();

  // The front desk sees the summary, not the session, and the core refuses edits.
  await app.signIn(RECEPTIONIST.username, RECEPTIONIST.password);
  await app.openPatient('blackw', 'Blackwood, Honor', 'Honor Blackwood');
  await summary.waitForDisplayed({ timeoutMsg: 'the receptionist does not see the summary' });
  assert.match(normalize(await summary.getText()), /Glabella 20 U/);
  const buttons = await app.visibleButtons();
  for (const offer of ['View session', 'Continue session', 'Start session', 'Stock', 'Lot recall']) {
    assert.ok(!buttons.includes(offer), `the receptionist is offered "${offer}": ${JSON.stringify(buttons)}`);
  }
  const opened = await app.invoke('open_session', { id: 1 });
  assert.equal(opened.rejection?.code, 'auth.forbidden', `open_session as a receptionist: ${JSON.stringify(opened)}`);
  const amended = await app.invoke('amend_session', { id: 1, reason: 'x', text: 'y' });
  assert.equal(amended.rejection?.code, 'auth.forbidden', `amend_session as a receptionist: ${JSON.stringify(amended)}`);
  const recalled = await app.invoke('recall_lot', { lotNumber: 'C1234' });
  assert.equal(recalled.rejection?.code, 'auth.forbidden', `recall_lot as a receptionist: ${JSON.stringify(recalled)}`);

  // The page never chooses a file path: a script in the page naming the key file gets
  // the file saved where the person (here, the test folder) says, and the key file is
  // untouched; the exports take no path at all.
  const keyFile = path.join(app.dataDir, 'glabella.keys');
  const keysBefore = fs.readFileSync(keyFile);
  const hijack = await app.invoke('save_handout_pdf', { sessionId: 1, articleIds: [], path: keyFile });
  assert.equal(hijack.ok, true, `save_handout_pdf: ${JSON.stringify(hijack)}`);
  assert.match(hijack.value.fileName, /^aftercare-patient-\d+-/);
  assert.deepEqual(fs.readFileSync(keyFile), keysBefore, 'the key file was overwritten from the page');
  const stray = path.join(os.tmpdir(), `glabella-stray-${process.pid}.csv`);
  const filter = { from: null, to: null, userId: null, patientId: null, action: null, limit: null };
  const exported = await app.invoke('export_audit_csv', { filter, path: stray });
  assert.equal(exported.rejection?.code, 'auth.forbidden', `export_audit_csv as a receptionist: ${JSON.stringify(exported)}`);
  assert.ok(!fs.existsSync(stray), 'a file was written to the path the page named');
}, { env: { GLABELLA_PRINT_TO_DIR: PRINTED, GLABELLA_SAVE_TO_DIR: SAVED } });
