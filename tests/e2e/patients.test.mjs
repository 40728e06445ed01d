// Registering and finding patients, on the real app: what the front desk does all day.
// Each test starts the app on its own empty data directory and sets up the clinic,
// signed in as its administrator (see app.mjs).
import assert from 'node:assert/strict';
import { ADMIN, appTest, normalize } from './app.mjs';

const NO_MATCH = 'No patients found.';

appTest('register a patient, then find them by part of the last name and open them with the keyboard', async (app) => {
  await app.registerPatient({
    'First name': 'Beatrix',
    'Last name': 'Quillfeather',
    'Date of birth': '1984-03-09',
    'Phone': '020 7946 0958',
    'Allergies': 'Penicillin',
    'Blood thinners': true,
  });

  // The chart: the name, the allergy and the flag where nobody can miss them, an empty history.
  assert.equal(await app.h1Text(), 'Beatrix Quillfeather');
  const alerts = app.testId('alerts');
  await alerts.waitForDisplayed({ timeoutMsg: 'the chart shows no alerts section' });
  const alertText = normalize(await alerts.getText());
  assert.match(alertText, /Penicillin/);
  assert.match(alertText, /Blood thinners/i);
  assert.doesNotMatch(alertText, /History of keloids/i, 'a flag that was not ticked is shown');
  const history = await app.section('Treatment history');
  assert.match(normalize(await history.getText()), /No treatments recorded yet\./);

  await app.click('Back to search');
  await app.search('Qui');
  const rows = await app.waitForResult('Quillfeather, Beatrix');
  assert.equal(rows.length, 1, `one patient registered, results: ${JSON.stringify(rows)}`);

  await app.press('ArrowDown');
  await app.press('Enter');
  await app.waitForH1('Beatrix Quillfeather');
  assert.match(normalize(await app.testId('alerts').getText()), /Penicillin/);
});

appTest('a registered patient is still there after the app is restarted', async (app) => {
  await app.registerPatient({
    'First name': 'Oswin',
    'Last name': 'Thackeray',
    'Date of birth': '1971-11-30',
    'Phone': '0161 496 0321',
  });

  await app.restart();

  // The app asks who is there; signed in, it opens on the search screen again, and the
  // patient is found by a fragment.
  await app.signIn(ADMIN.username, ADMIN.password);
  await app.search('thack');
  const rows = await app.waitForResult('Thackeray, Oswin');
  assert.equal(rows.length, 1, `results: ${JSON.stringify(rows)}`);

  // The search does filter: something else finds nobody.
  await app.search('Zebedee');
  await app.waitForText(NO_MATCH);
  assert.deepEqual(await app.searchResults(), []);

  // The log (rotated by the shell) has both runs of the app and nothing of the patient.
  const logs = app.logFiles();
  const text = Object.values(logs).join('\n');
  assert.equal((text.match(/Glabella \d+\.\d+\.\d+ started/g) || []).length, 2, `the log has both starts: ${JSON.stringify(logs)}`);
  for (const secret of ['Oswin', 'Thackeray', 'thack', '496 0321', '1971']) {
    assert.ok(!text.includes(secret), `the log folder holds "${secret}": ${JSON.stringify(logs)}`);
  }
});

appTest('a form with an empty first name, an invisible character and a bad email shows each error and saves nothing', async (app) => {
  await app.submitRegistration({
    // A right-to-left override would show "Vantablack" as "Vantakcalb" and hide it from search.
    'Last name': 'Vanta\u202Eblack',
    'Date of birth': '1990-01-01',
    'Email': 'nope',
  });

  const givenError = app.testId('error-givenName');
  await givenError.waitForDisplayed({ timeoutMsg: 'no error shown beside "First name"' });
  assert.equal(normalize(await givenError.getText()), 'First name is required.');
  const emailError = app.testId('error-email');
  await emailError.waitForDisplayed({ timeoutMsg: 'no error shown beside "Email"' });
  assert.equal(normalize(await emailError.getText()), 'Email does not look like an address (e.g. name@example.com).');
  const familyError = app.testId('error-familyName');
  await familyError.waitForDisplayed({ timeoutMsg: 'no error shown beside "Last name"' });
  assert.equal(
    normalize(await familyError.getText()),
    'This field contains an invisible character (right-to-left override) — retype it.',
  );
  assert.equal(await (await app.field('Last name')).getAttribute('aria-invalid'), 'true');
  assert.equal(await (await app.field('First name')).getAttribute('aria-invalid'), 'true');
  assert.equal(await (await app.field('Email')).getAttribute('aria-invalid'), 'true');
  // Still on the form: nothing was registered.
  await app.heading('Register new patient');

  await app.click('Cancel');
  await app.search('Vanta');
  await app.waitForText(NO_MATCH);
  assert.deepEqual(await app.searchResults(), []);
});

appTest('a name that looks like HTML is shown as text, never run as markup', async (app) => {
  const given = '<img src=x onerror=alert(1)>';
  await app.armTripwire();
  await app.registerPatient({
    'First name': given,
    'Last name': 'Harmless',
    'Date of birth': '1999-09-09',
  });

  assert.equal(await app.h1Text(), `${given} Harmless`);
  assert.equal((await app.browser.$$('img')).length, 0, 'the chart contains an <img> element');
  assert.deepEqual(await app.tripwire(), { dialogs: [], violations: [] }, 'the name was run as markup');

  // The same in the search results.
  await app.click('Back to search');
  await app.search('Harml');
  await app.waitForResult(`Harmless, ${given}`);
  assert.equal((await app.browser.$$('img')).length, 0, 'the search results contain an <img> element');
  assert.deepEqual(await app.tripwire(), { dialogs: [], violations: [] }, 'the name was run as markup');
});

appTest('search ignores accents: "nun" finds Núñez', async (app) => {
  await app.registerPatient({
    'First name': 'María',
    'Last name': 'Núñez',
    'Date of birth': '1988-07-14',
    'Phone': '600 123 456',
  });

  await app.click('Back to search');
  await app.search('nun');
  const rows = await app.waitForResult('Núñez, María');
  assert.equal(rows.length, 1, `results: ${JSON.stringify(rows)}`);

  // Clicking a result opens it too.
  const [row] = await app.browser.$$('[data-testid="search-result"]');
  await row.click();
  await app.waitForH1('María Núñez');

  // Ctrl+K from the chart: back to search, and what is typed goes into the box.
  await app.press('Control', 'k');
  await app.field('Search patients');
  await app.type('mar');
  await app.waitForResult('Núñez, María');
  assert.equal(await (await app.field('Search patients')).getValue(), 'mar');
});

appTest('registering the same name and date of birth twice warns, and "Register anyway" registers', async (app) => {
  await app.registerPatient({
    'First name': 'Ana',
    'Last name': 'López',
    'Date of birth': '1975-05-20',
  });
  await app.click('Back to search');

  // Same person by the rule: name equal ignoring case and accents, same date of birth.
  await app.submitRegistration({
    'First name': 'ana',
    'Last name': 'LOPEZ',
    'Date of birth': '1975-05-20',
  });
  await app.waitForText('A patient with the same name and date of birth is already registered.');
  await app.heading('Register new patient'); // still on the form, not yet registered

  await app.click('Register anyway');
  await app.waitForH1('ana LOPEZ');

  await app.click('Back to search');
  await app.search('lop');
  let rows = [];
  await app.browser.waitUntil(async () => (rows = await app.searchResults()).length === 2, {
    timeoutMsg: `expected both patients in the results, got ${JSON.stringify(rows)}`,
  });
  assert.ok(rows.some((r) => r.includes('López, Ana')), JSON.stringify(rows));
  assert.ok(rows.some((r) => r.includes('LOPEZ, ana')), JSON.stringify(rows));
});
