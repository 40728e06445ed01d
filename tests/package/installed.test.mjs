// The installed package (scripts/test-deb.sh): the glabella that the .deb put on the
// PATH starts under Xvfb on an empty data folder and shows its window and the setup screen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { APP_BINARY, appTest } from '../e2e/app.mjs';

appTest('the installed Glabella opens its window on the setup screen', async (app) => {
  assert.match(APP_BINARY, /^\/usr\//, `expected the installed binary, got ${APP_BINARY}`);
  assert.equal(await app.title(), 'Glabella');
  await app.heading('Set up your clinic');
  const files = fs.existsSync(app.dataDir) ? fs.readdirSync(app.dataDir) : [];
  for (const f of ['glabella.keys', 'glabella.sqlite3']) assert.ok(!files.includes(f), `${f} exists before setup: ${files}`);
}, { setUp: false });
