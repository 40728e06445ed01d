// The harness itself: the real binary starts, in its window, on the test's own data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { appTest } from './app.mjs';

/** The files in the test's data directory (none until the app creates it). */
const filesIn = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

appTest('the app window opens with the title "Glabella" and its own database', async (app) => {
  assert.equal(await app.title(), 'Glabella');
  // The app got GLABELLA_DATA_DIR through tauri-driver and created its database there.
  await app.browser.waitUntil(() => filesIn(app.dataDir).includes('glabella.sqlite3'), {
    timeoutMsg: `no glabella.sqlite3 in ${app.dataDir}: ${JSON.stringify(filesIn(app.dataDir))}`,
  });

  // Restarting (a new session on the same driver) opens the window again on the same data.
  await app.restart();
  assert.equal(await app.title(), 'Glabella');
  assert.ok(filesIn(app.dataDir).includes('glabella.sqlite3'));
});
