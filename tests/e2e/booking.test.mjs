// The front desk on the real app: a receptionist books a patient by clicking a free slot
// in the day view, a second booking overlapping the same injector is refused beside the
// field (for a patient registered from the booking dialog), the patient is marked
// arrived; the injector sees her waiting in Today, starts the session from the
// appointment, charts a point and signs; the appointment is completed; the recall list
// shows the patient due, the receptionist records the call and she leaves the list.
import assert from 'node:assert/strict';
import { appTest, normalize } from './app.mjs';

const INJECTOR = { fullName: 'Nadia Needle', username: 'nadia', role: 'Injector', password: 'sharp enough 123' };
const RECEPTIONIST = { fullName: 'Rosa Front', username: 'rosa', role: 'Receptionist', password: 'front desk 12345' };
const PATIENT = { 'First name': 'Honor', 'Last name': 'Blackwood', 'Date of birth': '1979-05-14', 'Phone': '0117 496 0777' };

/** A date `days` from today as year-month-day, and as the clinic writes it (day first). */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
function written(ymd) {
  const [y, m, d] = ymd.split('-');
  return `${d}/${m}/${y}`;
}

appTest('a day at the front desk: book, refuse a double booking, check in, treat, complete, call', async (app) => {
  await app.createAccount(INJECTOR);
  await app.createAccount(RECEPTIONIST);
  await app.click('Stock');
  await app.fillForm({ 'Product': 'Botox Cosmetic 100 U', 'Lot number': 'C1234', 'Expiry date': inDays(200), 'Quantity': '5' });
  await app.click('Receive stock');
  await app.waitForText('Received 5 × Botox Cosmetic 100 U, lot C1234');

  // Settings → Booking: open every day (the test runs on any weekday) and one room.
  await app.click('Settings');
  await app.heading('Booking');
  await app.fill('Open on Saturday', true);
  await app.fill('Open on Sunday', true);
  await app.click('Save opening hours');
  await app.waitForText('Opening hours saved.');
  await app.fill('New room', 'Room 1');
  await app.click('Add room');
  await app.waitForText('Room added.');
  await app.screenshot('booking-settings');
  await app.click('Patients');
  await app.registerPatient(PATIENT);
  await app.signOut();

  // The receptionist books Honor by clicking Nadia's free 10:00 slot.
  await app.signIn(RECEPTIONIST.username, RECEPTIONIST.password);
  await app.click('Appointments');
  await app.click('Book Nadia Needle at 10:00');
  await app.heading('Book appointment');
  assert.equal(await (await app.field('Date')).getValue(), written(inDays(0)), 'the date of the clicked slot');
  assert.equal(await (await app.field('Start time')).getValue(), '10:00');
  assert.equal(await (await app.field('Length (minutes)')).getValue(), '30', 'a neurotoxin appointment takes 30 minutes');
  await app.fill('Patient', 'Blackw');
  await app.click(`Honor Blackwood · born ${written('1979-05-14')} · 0117 496 0777`);
  await app.fill('Room', 'Room 1');
  await app.fill('Note for the desk', 'Prefers mornings');
  await app.screenshot('booking-dialog');
  await app.click('Book appointment');
  await app.waitForText(`Booked Honor Blackwood: Neurotoxin, ${written(inDays(0))} 10:00 with Nadia Needle.`);
  await app.waitForText('10:00 Honor Blackwood');

  // A second booking overlapping Nadia's 10:00, for a patient registered from the dialog.
  await app.click('Book Nadia Needle at 09:45');
  await app.fill('Patient', 'Iris Quill');
  await app.click('Register new patient');
  await app.fillForm({ 'First name': 'Iris', 'Last name': 'Quill', 'Date of birth': '1990-02-03' });
  await app.click('Register patient');
  await app.waitForText('Iris Quill');
  await app.click('Book appointment');
  const refused = app.testId('error-injectorId');
  await refused.waitForDisplayed({ timeoutMsg: 'the overlapping booking was not refused beside "Injector"' });
  assert.equal(
    normalize(await refused.getText()),
    'Nadia Needle is already booked from 10:00 to 10:30 (Honor Blackwood, Neurotoxin).',
  );
  await app.screenshot('booking-refused');
  await app.click('Close without booking');

  // Check-in from Today.
  await app.click('Today');
  await app.click('Mark Honor Blackwood arrived');
  await app.waitForText('arrived, waiting 0 min');
  await app.screenshot('today-arrived');
  await app.signOut();

  // The injector sees her waiting, starts the session from the appointment, signs it.
  await app.signIn(INJECTOR.username, INJECTOR.password);
  await app.click('Today');
  await app.waitForText('arrived, waiting');
  await app.click('Start session for Honor Blackwood');
  await app.waitForH1('Neurotoxin session · Honor Blackwood');
  await app.click('Open a new vial');
  await app.fill('Lot', `Botox Cosmetic 100 U · lot C1234 · expires ${written(inDays(200))} · 5 unopened`);
  await app.click('Open vial');
  await app.waitForText('2.5 mL diluent: 4 U per 0.1 mL');
  await app.clickFaceChart(0.5, 0.312);
  await app.fill('Dose of point 1 (U)', '20');
  await app.fill('Consent confirmed', true);
  await app.fill('Consent form version', 'Neurotoxin consent v3');
  await app.fill('Allergies, medical flags and contraindications reviewed with the patient', true);
  await app.fill('Next due date', written(inDays(7))); // due back soon: she belongs on the recall list
  await app.waitForText('Draft — Draft saved at');
  await app.click('Sign session');
  await app.waitForText(`Signed by ${INJECTOR.fullName}`);
  await app.click('Today');
  const row = app.browser.$('tr[data-testid^="today-"]');
  await app.browser.waitUntil(async () => normalize(await row.getText()).includes('completed'), {
    timeoutMsg: 'the appointment is not shown completed after signing',
  });
  await app.signOut();

  // The desk is offered the follow-up; the recall list shows Honor; a call takes her off.
  await app.signIn(RECEPTIONIST.username, RECEPTIONIST.password);
  await app.click('Today');
  await app.button(`Book follow-up review (${written(inDays(14))})`);
  await app.click('Recall calls');
  const call = app.browser.$('[data-testid^="call-"]');
  await call.waitForDisplayed({ timeoutMsg: 'Honor is not on the recall list' });
  const callText = normalize(await call.getText());
  assert.match(callText, new RegExp(`Honor Blackwood.*0117 496 0777.*Neurotoxin, ${written(inDays(0))}, Nadia Needle.*${written(inDays(7))} \\(in 7 days\\)`));
  await app.screenshot('recall-calls');
  await app.fill('Outcome for Honor Blackwood', 'Left a message');
  await app.click('Record call to Honor Blackwood');
  await app.waitForText('Honor Blackwood: left a message, recorded.');
  await app.waitForText('Nobody to call');
});
