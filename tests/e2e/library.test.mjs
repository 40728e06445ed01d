// The article library on the real app: the starter articles are there on a new clinic,
// search finds and ranks them, and an article opens to read.
import assert from 'node:assert/strict';
import { appTest, normalize } from './app.mjs';

appTest('search the library for "elastic" and open the elasticity article', async (app) => {
  await app.click('Library');
  await app.heading('Library');
  await app.fill('Search the library', 'elastic');
  const title = 'What research says about skin elasticity after a first treatment';
  await app.browser.waitUntil(
    async () => {
      const first = await app.browser.$('[data-testid="article-result"]');
      return (await first.isExisting()) && normalize(await first.getText()).includes(title);
    },
    { timeoutMsg: `the first result is not "${title}"` },
  );
  const marked = await app.browser.$('[data-testid="article-result"] mark');
  assert.match(normalize(await marked.getText()), /^elastic/i, 'the matching word is highlighted');
  await app.click(title);
  await app.waitForH1(title);
  const text = await app.pageText();
  assert.match(text, /48 women/);
  assert.match(text, /It is not medical advice/);
});
