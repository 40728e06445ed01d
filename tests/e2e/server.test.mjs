// Two app windows as two workstations of one clinic server (glabella-server, a real
// process on 127.0.0.1 with its own TLS authority): each connects with a pairing code
// from the first-start screen, a receptionist registers a patient at the desk and the
// injector's open search finds her without typing; the workstations keep no records;
// the desk books and checks her in, the injector's Today shows her at once, the
// injector charts, signs and prints the handout on the treatment room's own printer,
// and the desk sees the appointment completed; a hung server shows a banner until it
// answers again, and a patient registered meanwhile is saved once; an administrator
// revokes the front desk from Settings → Workstations, it is cut off and says so, and
// is paired again with a new code.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { App, APP_BINARY, TEST_TIMEOUT, filesContaining, freePort, normalize } from './app.mjs';

const BIN = path.dirname(APP_BINARY);
const SERVER_CLI = path.join(BIN, 'glabella-server');
const ADMIN_CLI = path.join(BIN, 'glabella-admin');

/** The demo clinic's accounts (glabella-admin demo-data). */
const RECEPTION = ['reception', 'glabella-reception'];
const INJECTOR = ['injector', 'glabella-injector'];
const ADMIN = ['admin', 'glabella-admin'];

/** `glabella-server run` on `address`, once it says it is serving. */
async function startServer(dir, address) {
  const server = spawn(SERVER_CLI, ['--data-dir', dir, 'run', '--listen', address], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: server.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`glabella-server exited (${code})`)));
  });
  assert.match(first, /serving/);
  return server;
}

function pairingCode(dir) {
  const out = spawnSync(SERVER_CLI, ['--data-dir', dir, 'pair'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim();
}

/** A date `days` from today as year-month-day, and as the demo clinic writes it. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
function written(ymd) {
  const [y, m, d] = ymd.split('-');
  return `${d}/${m}/${y}`;
}

/** Connects a fresh app window, named `name`, to the server and signs in. */
async function workstation(serverDir, address, name, [username, password], env) {
  const app = await App.start({ env });
  await app.heading('Set up your clinic');
  await app.click("Connect to the clinic's server…");
  await app.heading("Connect to the clinic's server");
  await app.fillForm({ 'Server address': address, 'Pairing code': pairingCode(serverDir), "This computer's name": name });
  await app.click('Connect');
  await app.signIn(username, password);
  return app;
}

test('two workstations on one clinic server: registered at the desk, found in the treatment room', { timeout: TEST_TIMEOUT }, async () => {
  const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-server-'));
  const made = spawnSync(ADMIN_CLI, ['--data-dir', serverDir, 'demo-data', '--patients', '0'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const address = `127.0.0.1:${await freePort()}`;
  const server = await startServer(serverDir, address);
  const apps = [];
  try {
    // A wrong code is refused beside its field, and nothing is connected.
    const desk = await App.start();
    apps.push(desk);
    await desk.click("Connect to the clinic's server…");
    await desk.fillForm({ 'Server address': address, 'Pairing code': 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', "This computer's name": 'Front desk' });
    await desk.click('Connect');
    await desk.waitForText('is not the one this pairing code is for');
    await desk.fill('Pairing code', pairingCode(serverDir));
    await desk.click('Connect');
    await desk.signIn(...RECEPTION);
    assert.match(await desk.signedInUser(), /Receptionist/);

    const printer = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-room-printer-'));
    const room = await workstation(serverDir, address, 'Treatment room 1', INJECTOR, { GLABELLA_PRINT_TO_DIR: printer });
    apps.push(room);
    await room.search('Lee');
    await room.waitForText('No patients found');

    await desk.registerPatient({ 'First name': 'Ann', 'Last name': 'Lee', 'Date of birth': '1980-01-01' });
    // The injector typed nothing more: the server's news brings her in.
    await room.waitForResult('Lee', { timeout: 5_000 });

    const listed = spawnSync(SERVER_CLI, ['--data-dir', serverDir, 'devices'], { encoding: 'utf8' });
    assert.match(listed.stdout, /Front desk/);
    assert.match(listed.stdout, /Treatment room 1/);

    // The workstations hold no database, no key file and nothing of the patient.
    for (const app of apps) {
      const files = fs.readdirSync(app.dataDir);
      assert.ok(files.includes('workstation.json'), `${files}`);
      assert.ok(!files.some((f) => f.startsWith('glabella.sqlite3') || f === 'glabella.keys'), `${files}`);
      assert.deepEqual(filesContaining(app.dataDir, ['Ann', 'Lee']), []);
    }

    // The owner, at the treatment room, receives stock and opens the clinic every day
    // (the test runs on any weekday).
    await room.signOut();
    await room.signIn(...ADMIN);
    await room.click('Stock');
    await room.fillForm({ 'Product': 'Botox Cosmetic 100 U', 'Lot number': 'C1234', 'Expiry date': inDays(200), 'Quantity': '5' });
    await room.click('Receive stock');
    await room.waitForText('Received 5 × Botox Cosmetic 100 U, lot C1234');
    await room.click('Settings');
    await room.heading('Booking');
    await room.fill('Open on Saturday', true);
    await room.fill('Open on Sunday', true);
    await room.click('Save opening hours');
    await room.waitForText('Opening hours saved.');
    await room.signOut();
    await room.signIn(...INJECTOR);
    await room.click('Today');
    await room.waitForText('Nothing booked today.');

    // The desk books Ann with the injector and checks her in.
    await desk.click('Appointments');
    await desk.click('Book Inès Injector at 10:00');
    await desk.heading('Book appointment');
    await desk.fill('Patient', 'Lee');
    await desk.click(`Ann Lee · born ${written('1980-01-01')}`);
    await desk.fill('Room', 'Room 1');
    await desk.click('Book appointment');
    await desk.waitForText('Booked Ann Lee');
    await desk.click('Today');
    await desk.click('Mark Ann Lee arrived');
    await desk.waitForText('arrived, waiting 0 min');

    // The injector's Today shows her without a click (it reloads by itself only every 30 s).
    await room.waitForText('arrived, waiting', { timeout: 5_000 });
    await room.click('Start session for Ann Lee');
    await room.waitForH1('Neurotoxin session · Ann Lee');
    await room.click('Open a new vial');
    await room.fill('Lot', `Botox Cosmetic 100 U · lot C1234 · expires ${written(inDays(200))} · 5 unopened`);
    await room.click('Open vial');
    await room.waitForText('2.5 mL diluent: 4 U per 0.1 mL');
    await room.clickFaceChart(0.5, 0.312);
    await room.fill('Dose of point 1 (U)', '20');
    await room.fill('Consent confirmed', true);
    await room.fill('Consent form version', 'Neurotoxin consent v3');
    await room.fill('Allergies, medical flags and contraindications reviewed with the patient', true);
    await room.waitForText('Draft — Draft saved at');
    await room.click('Sign session');
    await room.waitForText('Signed by Inès Injector');

    // The handout is typeset by the server and printed on the treatment room's printer.
    await room.click('Print aftercare handout');
    await room.waitForText('The aftercare handout was sent to the printer and recorded in the chart.');
    const printed = fs.readdirSync(printer);
    assert.equal(printed.length, 1, `printed: ${printed}`);
    assert.match(normalize(execFileSync('pdftotext', [path.join(printer, printed[0]), '-']).toString()), /Ann Lee/);
    assert.deepEqual(fs.readdirSync(serverDir).filter((f) => f.endsWith('.pdf')), [], 'the server printed nothing');
    await room.screenshot('workstation-signed');

    // The desk's Today shows the appointment completed, without a click.
    const row = desk.browser.$('tr[data-testid^="today-"]');
    await desk.browser.waitUntil(async () => normalize(await row.getText()).includes('completed'), {
      timeout: 5_000,
      timeoutMsg: "the desk's Today does not show the appointment completed",
    });
    await desk.screenshot('workstation-desk-completed');

    // A hung server: a banner at once, gone when it answers again.
    // What the desk registers meanwhile waits, and is saved once when the server answers.
    server.kill('SIGSTOP');
    await room.waitForText('Not connected to the clinic server', { timeout: 15_000 });
    await desk.click('Patients');
    await desk.submitRegistration({ 'First name': 'Bea', 'Last name': 'Moss', 'Date of birth': '1985-05-05' });
    await desk.waitForText('Not connected to the clinic server', { timeout: 15_000 });
    await desk.screenshot('workstation-offline');
    server.kill('SIGCONT');
    await room.waitForNoText('Not connected to the clinic server', { timeout: 20_000 });
    await desk.waitForH1('Bea Moss', { timeout: 20_000 });
    await room.click('Patients');
    await room.search('Moss');
    const found = await room.waitForResult('Moss');
    assert.equal(found.filter((r) => r.includes('Moss')).length, 1, `registered once: ${JSON.stringify(found)}`);

    // The owner revokes the front desk from Settings → Workstations: it is cut off at once.
    await room.signOut();
    await room.signIn(...ADMIN);
    await room.click('Settings');
    await room.heading('Workstations');
    await room.waitForText('Front desk');
    await room.click('Revoke Front desk');
    await room.click('Yes, revoke Front desk');
    await room.waitForText('Front desk is revoked');
    await room.waitForText('(this computer)'); // its own row, which it cannot revoke
    await desk.waitForText('An administrator removed this computer from the clinic server', { timeout: 15_000 });
    await desk.screenshot('workstation-revoked');

    // With a new code the front desk is paired again, as a new device, and signs in anew.
    await desk.click('Pair this computer again…');
    await desk.heading("Connect to the clinic's server");
    await desk.fillForm({ 'Server address': address, 'Pairing code': pairingCode(serverDir), "This computer's name": 'Front desk PC' });
    await desk.click('Connect');
    await desk.submitSignIn(...RECEPTION);
    assert.match(await desk.signedInUser(), /Rémy Reception · Receptionist/);
    await desk.click('Patients'); // she comes back to the screen she was on (Today)
    await desk.search('Lee');
    await desk.waitForResult('Lee');
  } finally {
    for (const app of apps) await app.stop();
    server.kill('SIGKILL');
  }
});
