// Backups, restoring one from the sign-in screen, and the recovery key's way back in,
// on the real app. The folder dialog cannot be driven through WebDriver, so e2e builds
// "pick" the folder named by GLABELLA_PICK_FOLDER.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, APP_BINARY, appTest } from './app.mjs';

/** The "USB drive" the administrator picks as the backup folder. */
const USB = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-usb-'));
/** glabella-admin, built beside the app. */
const ADMIN_CLI = path.join(path.dirname(APP_BINARY), 'glabella-admin');

appTest('an administrator backs up to a folder, then restores that backup from the sign-in screen', async (app) => {
  await app.click('Settings');
  const backups = await app.section('Backups');
  assert.match(await backups.getText(), /Last verified backup\s*None yet/);
  await app.click('Choose backup folder…');
  await app.waitForText(`Backups also go to ${USB}.`);
  await app.click('Back up now');
  await app.waitForText('Backup made and verified.');
  assert.match(await app.testId('last-backup').getText(), /verified, in /);
  assert.equal(fs.readdirSync(USB).filter((n) => n.startsWith('glabella-backup-')).length, 1, 'one bundle on the drive');

  await app.click('Patients');
  await app.registerPatient({ 'First name': 'Late', 'Last name': 'Arrival', 'Date of birth': '1990-03-04' });
  await app.signOut();

  await app.click('Restore from a backup…');
  await app.heading('Restore from a backup');
  await app.waitForText('0 patients, 0 sessions');
  await app.fillForm({ "Administrator's username": ADMIN.username, 'Password': 'wrong password' });
  await app.click('Restore this backup');
  await app.waitForText('Wrong username or password.');
  await app.fill('Password', ADMIN.password);
  await app.click('Restore this backup');
  await app.field('Search patients', { timeout: 60_000 });
  const message = await app.testId('restored-message').getText();
  assert.match(message, /Restored the backup of .*The data from before was kept in /);

  await app.search('Arrival');
  await app.waitForText('No patients found');

  // The data from before the restore is kept, whole: it still opens and holds the patient.
  const aside = fs.readdirSync(app.dataDir).filter((n) => n.startsWith('before-restore-'));
  assert.equal(aside.length, 1, `moved-aside folder in ${fs.readdirSync(app.dataDir)}`);
  const check = spawnSync(ADMIN_CLI, ['--data-dir', path.join(app.dataDir, aside[0]), '--user', ADMIN.username, 'check'], {
    env: { ...process.env, GLABELLA_PASSWORD: ADMIN.password },
    encoding: 'utf8',
  });
  assert.equal(check.status, 0, check.stderr + check.stdout);
  assert.match(check.stdout, /1 patient record\(s\)/);
}, { env: { GLABELLA_PICK_FOLDER: USB } });

appTest('forgot every password: the recovery key gives an administrator a new password, and admins are told', async (app) => {
  const recoveryKey = await app.setUpClinic();
  await app.signOut();
  await app.click('Forgot every password?');
  await app.heading('Forgot every password?');
  await app.fill('Recovery key', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH');
  await app.click('Continue');
  await app.waitForText('This recovery key does not unlock this database.');
  await app.fill('Recovery key', recoveryKey);
  await app.click('Continue');
  await app.fillForm({ 'Administrator': `${ADMIN.fullName} (${ADMIN.username})`, 'New password': 'found again 2026', 'Repeat new password': 'found again 2026' });
  await app.click('Set password and sign in');
  await app.field('Search patients', { timeout: 60_000 });
  await app.signOut();

  await app.submitSignIn(ADMIN.username, ADMIN.password);
  await app.waitForText('Wrong username or password.');
  await app.signIn(ADMIN.username, 'found again 2026');
  const banner = app.testId('notice-emergencyAccess');
  await banner.waitForDisplayed({ timeoutMsg: 'no emergency access banner for the administrator' });
  assert.match(await banner.getText(), new RegExp(`— The recovery key gave ${ADMIN.fullName} \\(${ADMIN.username}\\) a new password\\.`));
}, { setUp: false });
