// The harness itself: the real binary starts, in its window, on the test's own data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ADMIN, appTest } from './app.mjs';

/** The files in the test's data directory (none until the app creates it). */
const filesIn = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const DB_FILES = ['glabella.keys', 'glabella.sqlite3'];

appTest('the app window opens with the title "Glabella" and creates its database at setup', async (app) => {
  assert.equal(await app.title(), 'Glabella');
  // First start: the setup screen, and no database yet.
  await app.heading('Set up your clinic');
  for (const f of DB_FILES) {
    assert.ok(!filesIn(app.dataDir).includes(f), `${f} exists before "Create clinic": ${JSON.stringify(filesIn(app.dataDir))}`);
  }

  await app.setUpClinic();
  // The app got GLABELLA_DATA_DIR through tauri-driver and created its database there.
  await app.browser.waitUntil(() => DB_FILES.every((f) => filesIn(app.dataDir).includes(f)), {
    timeoutMsg: `expected ${DB_FILES.join(' and ')} in ${app.dataDir}: ${JSON.stringify(filesIn(app.dataDir))}`,
  });

  // Restarting (a new session on the same driver) opens the window again on the same
  // data: the sign-in screen this time, not the setup.
  await app.restart();
  assert.equal(await app.title(), 'Glabella');
  await app.heading('Sign in to Glabella');
  for (const f of DB_FILES) assert.ok(filesIn(app.dataDir).includes(f), `${f} is gone after the restart`);
  await app.signIn(ADMIN.username, ADMIN.password);
  assert.equal(await app.signedInUser(), `${ADMIN.fullName} · Administrator`);
}, { setUp: false });
