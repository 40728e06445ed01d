// Keystroke-to-results in the real window: drives a running tauri-driver (started by
// scripts/bench-search-window.sh, which also makes the demo clinic and the display),
// signs in, and for many queries types all but the last character, waits for those
// results, then types the last character with a real keystroke and measures, in the
// page's own clock (performance.now()):
//   key → DOM    from the keydown reaching the page (a capturing listener on window)
//                to the results list holding exactly the patients the core returns
//                for the whole query (a MutationObserver on the list);
//   key → frame  to the first frame after that: a requestAnimationFrame callback, then
//                a task queued from it, which runs once that frame is painted;
//   IPC          the search_patients command alone, invoked from the page with the
//                same query just after (WebView → Rust → core → back, no rendering).
// Prints p50 / p99 / max per query class. Not a test: nothing passes or fails.
//
// Environment: DRIVER_PORT (4600), GLABELLA_APP (the app binary), QUERIES per class
// (100), USERNAME / PASSWORD (the demo receptionist), SEED (1).

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
// WebdriverIO comes from the end-to-end tests' own dependencies.
const requireFromTests = createRequire(path.join(repo, 'tests', 'package.json'));
const { remote } = await import(pathToFileURL(requireFromTests.resolve('webdriverio')).href);

const PORT = Number(process.env.DRIVER_PORT || 4600);
const APP = process.env.GLABELLA_APP;
const PER_CLASS = Number(process.env.QUERIES || 100);
const USERNAME = process.env.USERNAME_DEMO || 'reception';
const PASSWORD = process.env.PASSWORD_DEMO || 'glabella-reception';
const WARM_UP = 5;

// A small seeded generator (mulberry32), so two runs type the same queries.
let seed = Number(process.env.SEED || 1) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Folded words, as the core folds names (close enough for the demo's names). */
function words(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/['`’]/g, '')
    .split(/[^a-z0-9]+/).filter(Boolean);
}

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((sorted.length * p) / 100) - 1)];
}

const browser = await remote({
  hostname: '127.0.0.1',
  port: PORT,
  path: '/',
  logLevel: process.env.WDIO_LOG_LEVEL || 'warn',
  connectionRetryTimeout: 120_000,
  connectionRetryCount: 1,
  capabilities: {
    'tauri:options': { application: APP },
    'wdio:enforceWebDriverClassic': true,
  },
});

try {
  await browser.waitUntil(async () => (await browser.execute(() => document.readyState)) === 'complete', {
    timeout: 60_000,
  });

  // --- sign in ------------------------------------------------------------------
  const byLabel = async (label) => {
    const el = await browser.$({
      strategyName: 'label',
      strategyArguments: [label],
      strategy: (text) => {
        const l = [...document.querySelectorAll('label')].find((x) => x.textContent.replace(/\s+/g, ' ').trim().replace(/\s*\*$/, '') === text);
        return l ? (l.control || document.getElementById(l.getAttribute('for'))) : null;
      },
    });
    await el.waitForExist({ timeout: 60_000, timeoutMsg: `no field labelled ${label}` });
    return el;
  };
  await (await byLabel('Username')).setValue(USERNAME);
  await (await byLabel('Password')).setValue(PASSWORD);
  await browser.keys(['Enter']);
  const box = await byLabel('Search patients');
  await box.waitForDisplayed({ timeout: 60_000 });
  await box.click();

  const invoke = (query) =>
    browser.executeAsync((q, done) => {
      const t = performance.now();
      window.__TAURI_INTERNALS__.invoke('search_patients', { query: q, includeArchived: false }).then(
        (found) => done({ ids: found.map((p) => p.id), ms: performance.now() - t, names: found.map((p) => [p.givenName, p.familyName, p.phone]) }),
        (e) => done({ failed: String(e && (e.message || JSON.stringify(e))) }),
      );
    }, query);

  // --- queries from the clinic's own patients --------------------------------------
  // The patients the search box lists for each letter: real demo names and phones.
  const people = [];
  for (const letter of 'abcdefghijklmnoprstvwz') {
    const r = await invoke(letter);
    if (r.failed) throw new Error(`search_patients failed: ${r.failed}`);
    people.push(...r.names);
  }
  const classes = [
    ['name, 1 letter', ([g, f]) => (words(random() < 0.5 ? f : g)[0] || '').slice(0, 1)],
    ['name, 3 letters', ([g, f]) => { const w = words(random() < 0.5 ? f : g)[0] || ''; return w.length >= 3 ? w.slice(0, 3) : ''; }],
    ['two words ("mar gar")', ([g, f]) => { const a = words(g)[0] || '', b = words(f)[0] || ''; return a.length >= 3 && b.length >= 3 ? `${a.slice(0, 3)} ${b.slice(0, 3)}` : ''; }],
    ['two words ("garcia m")', ([g, f]) => { const a = words(g)[0] || '', b = words(f)[0] || ''; return a && b ? `${b} ${a[0]}` : ''; }],
    ['phone, 4 digits', ([, , phone]) => { const d = phone.replace(/\D/g, ''); if (d.length < 4) return ''; const s = Math.floor(random() * (d.length - 3)); return d.slice(s, s + 4); }],
  ];

  // --- measuring ------------------------------------------------------------------
  /** Types `text` key by key into the focused search box. */
  const type = async (text) => { for (const ch of text) await browser.keys([ch]); };
  /** Waits until the results list shows exactly `ids`, in order. */
  const waitForList = (ids) =>
    browser.waitUntil(
      () => browser.execute((want) => [...document.querySelectorAll('#search-results > li')].map((li) => li.id).join(',') === want,
        ids.map((id) => `result-${id}`).join(',')),
      { timeout: 30_000, interval: 20, timeoutMsg: 'the results list did not settle' },
    );

  /** One measured query, or null when its last key changes nothing on screen. */
  async function measure(query) {
    const full = await invoke(query);
    const prefix = query.slice(0, -1);
    const before = prefix.trim() ? (await invoke(prefix)).ids : [];
    if (before.join() === full.ids.join()) return null;
    await browser.keys(['Escape']); // clears the box, as a receptionist would
    await waitForList([]);
    await type(prefix);
    await waitForList(before);
    await sleep(30); // no search left in flight
    await browser.execute((want) => {
      const list = document.getElementById('search-results');
      const sig = () => [...list.children].map((li) => li.id).join(',');
      const b = (window.__bench = { key: null, dom: null, frame: null });
      addEventListener('keydown', () => { b.key = performance.now(); }, { capture: true, once: true });
      const seen = new MutationObserver(() => {
        if (b.dom !== null || sig() !== want) return;
        b.dom = performance.now();
        seen.disconnect();
        requestAnimationFrame(() => setTimeout(() => { b.frame = performance.now(); }, 0));
      });
      seen.observe(list, { childList: true, subtree: true, characterData: true });
    }, full.ids.map((id) => `result-${id}`).join(','));
    await browser.keys([query.slice(-1)]);
    const t = await browser.executeAsync((done) => {
      const start = performance.now();
      (function poll() {
        const b = window.__bench;
        if (b.frame !== null || performance.now() - start > 10_000) done(b);
        else setTimeout(poll, 5);
      })();
    });
    if (t.frame === null || t.key === null) throw new Error(`no results for ${JSON.stringify(query)} within 10 s`);
    const ipc = await invoke(query);
    return { dom: t.dom - t.key, frame: t.frame - t.key, ipc: ipc.ms, found: full.ids.length };
  }

  const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${people.length} demo patients to draw queries from; ${PER_CLASS} queries per class (+${WARM_UP} warm-up); load average ${load}`);
  console.log('');
  console.log('| Query class | Runs | key → DOM p50 ms | p99 ms | max ms | key → frame p50 ms | p99 ms | max ms | IPC alone p50 ms | p99 ms | Found (mean) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, make] of classes) {
    const rows = [];
    let skipped = 0;
    let warm = WARM_UP;
    while (rows.length < PER_CLASS) {
      const q = make(pick(people));
      if (!q) continue;
      const r = await measure(q);
      if (!r) { skipped++; continue; }
      if (warm > 0) { warm--; continue; }
      rows.push(r);
    }
    const col = (k) => rows.map((r) => r[k]).sort((a, b) => a - b);
    const [dom, frame, ipc] = [col('dom'), col('frame'), col('ipc')];
    const f = (x) => x.toFixed(1);
    const found = rows.reduce((s, r) => s + r.found, 0) / rows.length;
    console.log(`| ${name} | ${rows.length} | ${f(percentile(dom, 50))} | ${f(percentile(dom, 99))} | ${f(dom.at(-1))} | ` +
      `${f(percentile(frame, 50))} | ${f(percentile(frame, 99))} | ${f(frame.at(-1))} | ` +
      `${f(percentile(ipc, 50))} | ${f(percentile(ipc, 99))} | ${found.toFixed(1)} |` +
      (skipped ? ` <!-- ${skipped} skipped: last key changed nothing -->` : ''));
  }
  const after = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log('');
  console.log(`load average after: ${after}`);
} finally {
  await browser.deleteSession().catch(() => {});
}
