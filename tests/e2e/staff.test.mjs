// Staff, sign-in, roles, the idle lock and the audit log, on the real app.
// Each test starts the app on its own empty data directory (see app.mjs); unless it says
// `setUp: false`, the clinic is set up first and its administrator (ADMIN) is signed in.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ADMIN, appTest, filesContaining, normalize } from './app.mjs';

const RECEPTIONIST = Object.freeze({ fullName: 'Rita Reyes', username: 'rita', password: 'front desk 2024' });
/** The recovery key as the app writes it: eight groups of four (no I, L, O or U). */
const RECOVERY_KEY = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/;
const NO_FILTER = { from: null, to: null, userId: null, patientId: null, action: null, limit: null };

/** The audit table's rows, each as `{ time, user, action, record, details }`, top first. */
async function auditRows(app) {
  const table = app.testId('audit-table');
  await table.waitForDisplayed({ timeoutMsg: 'no audit table shown' });
  const rows = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')]
      .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
  return rows
    .filter((cells) => cells.length === 5)
    .map(([time, user, action, record, details]) => ({ time, user, action, record, details }));
}

/** The whole page's markup, hidden parts included. */
const pageSource = (app) => app.browser.execute(() => document.documentElement.outerHTML);

appTest('first start: the clinic is set up, the recovery key is shown once, then later starts ask to sign in', async (app) => {
  await app.heading('Set up your clinic');
  await app.fillForm({
    'Clinic name': 'Harbour Aesthetics',
    'Clinic address': '1 Quay Street, Bristol',
    'Clinic phone': '0117 496 0000',
    'Your full name': ADMIN.fullName,
    'Username': ADMIN.username,
    'Password': ADMIN.password,
    'Repeat password': ADMIN.password,
  });
  await app.click('Create clinic');

  // The recovery key, once, and no way on until the person says it is kept safe.
  await app.heading('Your recovery key');
  const keyEl = app.testId('recovery-key');
  await keyEl.waitForDisplayed({ timeoutMsg: 'the recovery key is not shown' });
  const key = normalize(await keyEl.getText());
  assert.match(key, RECOVERY_KEY);
  await app.button('Print recovery key');
  const go = await app.button('Continue to Glabella');
  assert.equal(await go.isEnabled(), false, '"Continue to Glabella" works before the box is ticked');
  await app.fill('I have printed or written down the recovery key', true);
  await go.waitForEnabled({ timeoutMsg: '"Continue to Glabella" stays disabled after ticking the box' });
  await go.click();

  await app.field('Search patients');
  assert.equal(await app.signedInUser(), `${ADMIN.fullName} · Administrator`);
  assert.ok(!(await pageSource(app)).includes(key), 'the recovery key is still in the page after continuing');

  // Later starts: the sign-in screen, never the setup or the key again.
  await app.restart();
  await app.heading('Sign in to Glabella');
  const source = await pageSource(app);
  assert.ok(!source.includes(key), 'the recovery key is shown again after a restart');
  assert.doesNotMatch(await app.pageText(), /Set up your clinic|Your recovery key/);

  await app.submitSignIn(ADMIN.username, 'not the password');
  const error = app.testId('sign-in-error');
  await error.waitForDisplayed({ timeoutMsg: 'a wrong password shows no error' });
  assert.equal(normalize(await error.getText()), 'Wrong username or password.');
  await app.heading('Sign in to Glabella'); // still not in

  await app.signIn(ADMIN.username, ADMIN.password);
  assert.equal(await app.signedInUser(), `${ADMIN.fullName} · Administrator`);
}, { setUp: false });

appTest('a receptionist account: no admin screens, admin commands refused by the core, patients as usual', async (app) => {
  // The administrator sees the admin screens and may call their commands.
  let buttons = await app.visibleButtons();
  for (const b of ['Patients', 'Staff accounts', 'Audit log', 'Settings', 'Lock', 'Sign out']) {
    assert.ok(buttons.includes(b), `the admin's top bar has no "${b}": ${JSON.stringify(buttons)}`);
  }
  const asAdmin = await app.invoke('list_users');
  assert.ok(asAdmin.ok && Array.isArray(asAdmin.value), `list_users as admin: ${JSON.stringify(asAdmin)}`);

  await app.click('Staff accounts');
  await app.heading('Staff accounts');
  await app.heading('New account');
  await app.fillForm({
    'Full name': RECEPTIONIST.fullName,
    'Username': RECEPTIONIST.username,
    'Role': 'Receptionist',
    'Password': RECEPTIONIST.password,
  });
  await app.click('Create account');
  await app.waitForText(`Account created for ${RECEPTIONIST.fullName}.`);
  const role = await app.field(`Role of ${RECEPTIONIST.fullName}`);
  assert.equal(await role.getValue(), 'receptionist');

  await app.signOut();
  await app.signIn(RECEPTIONIST.username, RECEPTIONIST.password);
  assert.equal(await app.signedInUser(), `${RECEPTIONIST.fullName} · Receptionist`);
  buttons = await app.visibleButtons();
  for (const b of ['Patients', 'Settings', 'Lock', 'Sign out']) {
    assert.ok(buttons.includes(b), `the receptionist's top bar has no "${b}": ${JSON.stringify(buttons)}`);
  }
  for (const b of ['Staff accounts', 'Audit log']) {
    assert.ok(!buttons.includes(b), `the receptionist is offered "${b}": ${JSON.stringify(buttons)}`);
  }

  // Calling the admin commands straight from the page does not get around it.
  const audit = await app.invoke('list_audit', { filter: NO_FILTER });
  assert.equal(audit.rejection?.code, 'auth.forbidden', `list_audit as a receptionist: ${JSON.stringify(audit)}`);
  const users = await app.invoke('list_users');
  assert.equal(users.rejection?.code, 'auth.forbidden', `list_users as a receptionist: ${JSON.stringify(users)}`);

  // The front desk's own work still works.
  await app.registerPatient({ 'First name': 'Cosima', 'Last name': 'Fairweather', 'Date of birth': '1992-02-29' });
  await app.click('Back to search');
  await app.search('fairw');
  const rows = await app.waitForResult('Fairweather, Cosima');
  assert.equal(rows.length, 1, `results: ${JSON.stringify(rows)}`);
});

appTest('left idle, the app locks and hides the chart; the same person unlocks back to it', async (app) => {
  await app.registerPatient({ 'First name': 'Beatrix', 'Last name': 'Quillfeather', 'Date of birth': '1984-03-09' });
  assert.equal(await app.h1Text(), 'Beatrix Quillfeather');

  // Hands off: only reading the page from here on (no keys, no pointer).
  await app.waitForText('Glabella is locked');
  await app.heading('Glabella is locked');
  await app.waitForText(`Locked by ${ADMIN.fullName}. Enter your password to continue where you were.`);
  assert.ok(!(await app.pageText()).includes('Quillfeather'), 'the patient is still shown on the lock screen');
  assert.ok(!(await pageSource(app)).includes('Quillfeather'), 'the patient is still in the locked page\'s markup');
  await app.button('Sign in as someone else');

  await app.fill('Password', ADMIN.password);
  await app.click('Unlock');
  // The idle lock is short here: check at once, before it falls again.
  await app.waitForH1('Beatrix Quillfeather');
  assert.ok((await app.pageText()).includes('Beatrix Quillfeather'));
}, { env: { GLABELLA_IDLE_LOCK_SECONDS: '4' } });

appTest('the audit log shows who signed in and whose chart they opened, newest first', async (app) => {
  // A real sign-in (setting up the clinic is recorded as such, not as a sign-in).
  await app.signOut();
  await app.signIn(ADMIN.username, ADMIN.password);

  await app.registerPatient({ 'First name': 'Oswin', 'Last name': 'Thackeray', 'Date of birth': '1971-11-30' });
  await app.click('Back to search');
  await app.search('thack');
  await app.waitForResult('Thackeray, Oswin');
  const [row] = await app.browser.$$('[data-testid="search-result"]');
  await row.click();
  await app.waitForH1('Oswin Thackeray');

  await app.click('Audit log');
  await app.heading('Audit log');
  for (const f of ['From', 'To', 'User', 'Patient number', 'Action']) await app.field(f);
  await app.button('Apply filters');
  await app.button('Export CSV');
  const headers = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] thead th')].map((th) => th.textContent.trim()));
  assert.deepEqual(headers, ['Time', 'User', 'Action', 'Record', 'Details']);

  let rows = [];
  await app.browser.waitUntil(async () => (rows = await auditRows(app)).some((r) => r.action === 'Opened a chart'), {
    timeoutMsg: `no "Opened a chart" row in the audit log: ${JSON.stringify(rows)}`,
  });
  const opened = rows.findIndex((r) => r.action === 'Opened a chart' && r.record === 'patient 1' && r.user === ADMIN.username);
  const signedIn = rows.findIndex((r) => r.action === 'Signed in' && r.user === ADMIN.username);
  assert.ok(opened >= 0, `no "Opened a chart" row by admin on "patient 1": ${JSON.stringify(rows)}`);
  assert.ok(signedIn >= 0, `no "Signed in" row by admin: ${JSON.stringify(rows)}`);
  assert.ok(opened < signedIn, `the log is not newest first: ${JSON.stringify(rows)}`);
  assert.match(rows[opened].time, /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/); // the clinic's way: day first, 24-hour

  // Filtered by the patient's number: only that patient's rows.
  await app.fill('Patient number', '1');
  await app.click('Apply filters');
  await app.browser.waitUntil(async () => (rows = await auditRows(app)).every((r) => r.record === 'patient 1'), {
    timeoutMsg: `filtering by patient 1 left other rows: ${JSON.stringify(rows)}`,
  });
  const actions = rows.map((r) => r.action);
  assert.ok(actions.includes('Opened a chart') && actions.includes('Registered a patient'), JSON.stringify(rows));
});

appTest('nothing the app writes to disk (database, WAL, key file, logs, caches) holds a patient name in plain text', async (app) => {
  const needles = ['Zebulon', 'Quixotic', 'Peanut butter'];
  await app.registerPatient({
    'First name': 'Zebulon',
    'Last name': 'Quixotic',
    'Date of birth': '1970-01-01',
    'Allergies': 'Peanut butter',
  });
  await app.click('Back to search');
  await app.search('quix');
  await app.waitForResult('Quixotic, Zebulon');
  // While the app is open (the WAL holds the new rows) and after it has closed.
  assert.deepEqual(filesContaining(app.root, needles), [], 'a patient name in plain text on disk while the app runs');
  await app.closeSession();
  const files = fs.readdirSync(app.root, { recursive: true });
  assert.ok(files.some((f) => f.endsWith('glabella.sqlite3')), `the scan saw the database: ${files.join(', ')}`);
  assert.ok(files.some((f) => f.endsWith('.log')), `the scan saw the app's log: ${files.join(', ')}`);
  assert.deepEqual(filesContaining(app.root, needles), [], 'a patient name in plain text on disk after the app closed');
});
