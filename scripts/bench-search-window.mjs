// Keystroke-to-results in the real window: drives a running tauri-driver (started by
// scripts/bench-search-window.sh, which also makes the demo clinic and the display),
// signs in, and for many queries types all but the last character, waits for those
// results, then types the last character with a real keystroke and measures, in the
// page's own clock (performance.now()):
//   key → first rows in DOM   from the keydown reaching the page (a capturing listener
//                on window) to the results list first holding the first patients the
//                core returns for the whole query and no others (a MutationObserver on
//                the list): the rows that fit in the window, which the page draws first;
//   key → first rows on screen   to the first frame after that: a requestAnimationFrame
//                callback, then a task queued from it, which runs once that frame is
//                painted (what a person sees);
//   key → all rows in DOM / on screen   the same for the whole list (all up to 50 rows;
//                the same as the first when the page draws them all at once);
//   IPC          the search_patients command alone, invoked from the page with the
//                same query just after (WebView → Rust → core → back, no rendering).
// Before the queries it also prints two floors: an idle frame (nothing to draw → the
// next painted frame) and a command with no database work (app_status, answered on
// the app's main thread), each 100 times.
// Prints p50 / p99 / max per query class. Not a test: nothing passes or fails.
//
// At the end, after PSS_IDLE (5) s idle on the last results, prints the PSS of the app
// and all its descendants (WebKit's processes), summed as scripts/measure-app.sh does:
// memory after sign-in and all those searches (PSS=0 skips it).
//
// With BARE=1 (GLABELLA_APP then the bare Tauri window, benches/app/bare-window) it only
// waits PSS_IDLE s and prints that PSS, for the same figure without Glabella; with
// SIGNED_IN_ONLY=1 it prints Glabella's just after signing in, before any search; with
// KEYS_ONLY=N, after N searches typed key by key and nothing else (no timing, no
// script run in the page), for the memory a person's searches leave.
//
// Environment: DRIVER_PORT (4600), GLABELLA_APP (the app binary), QUERIES per class
// (100), USERNAME / PASSWORD (the demo receptionist), SEED (1), PSS_IDLE (5), PSS (1),
// BARE (0), SIGNED_IN_ONLY (0), KEYS_ONLY (unset).

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

/** After PSS_IDLE (5) s idle, prints the PSS of the app and its descendants as `what`. */
async function printPss(what) {
  await sleep(Number(process.env.PSS_IDLE || 5) * 1000);
  const mem = await pssOfApp(APP);
  const mib = (k) => (k / 1024).toFixed(1);
  console.log(mem ? `PSS ${what}, app and all its descendants: ${mib(mem.pss)} MiB (anonymous ${mib(mem.anon)} MiB): ` +
    `${mem.parts.join(' ')}; other WebKitWebProcesses running: ${mem.others}` : 'PSS: the app process was not found');
}

/**
 * The sum of the Pss and Pss_Anon lines of /proc/<pid>/smaps_rollup over the process
 * running `exe` and all its descendants (WebKitWebProcess, WebKitNetworkProcess), in KiB,
 * as scripts/measure-app.sh sums them; null when no such process runs.
 */
async function pssOfApp(exe) {
  const fs = await import('node:fs');
  const procs = new Map(); // pid -> { ppid, comm }
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(d), { ppid, comm: fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() });
    } catch { /* gone */ }
  }
  const root = [...procs.keys()].find((p) => { try { return fs.realpathSync(`/proc/${p}/exe`) === fs.realpathSync(exe); } catch { return false; } });
  if (root === undefined) return null;
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [p, { ppid }] of procs) if (ppid === tree[i]) tree.push(p);
  let pss = 0, anon = 0, webs = 0;
  const parts = [];
  for (const p of tree) {
    try {
      const r = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const v = Number(/^Pss:\s+(\d+)/m.exec(r)?.[1] || 0), a = Number(/^Pss_Anon:\s+(\d+)/m.exec(r)?.[1] || 0);
      pss += v; anon += a;
      parts.push(`${procs.get(p).comm}=${(v / 1024).toFixed(1)}M(anon ${(a / 1024).toFixed(1)}M)`);
      if (procs.get(p).comm === 'WebKitWebProces') webs++;
    } catch { /* gone */ }
  }
  const others = [...procs.values()].filter((x) => x.comm === 'WebKitWebProces').length - webs;
  return { pss, anon, parts, others };
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

  if (process.env.BARE === '1') {
    // The bare Tauri window (benches/app/bare-window) under the same driver: its memory only.
    await printPss('of the bare window under WebDriver');
    await browser.deleteSession().catch(() => {});
    process.exit(0);
  }

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

  if (process.env.SIGNED_IN_ONLY === '1') {
    // Memory signed in, on the empty search screen, before any search.
    await printPss('signed in, before any search');
    await browser.deleteSession().catch(() => {});
    process.exit(0);
  }

  if (process.env.KEYS_ONLY) {
    // Memory after searches typed as a person types them and nothing else: WebDriver key
    // actions only, no script run in the page (the timed run above polls the page every
    // 5 to 20 ms and calls the command from it, which the page's heap keeps a while).
    const queries = ['mar', 'gar', 'mar gar', 'garcia m', 'mül', 'smith', "o'b", 'zoë', 'ngu', 'ana', 'ren', 'chl',
      'sio', 'mon', 'núñ', "d'an", '0412', '555', '7788', 'jo'];
    const count = Number(process.env.KEYS_ONLY);
    for (let i = 0; i < count; i++) {
      await browser.keys(['Escape']);
      for (const ch of queries[i % queries.length]) {
        await browser.keys([ch]);
        await sleep(60 + random() * 60); // a quick typist: 60 to 120 ms between keys
      }
      await sleep(400);
    }
    await printPss(`after sign-in and ${count} searches typed key by key (no script in the page)`);
    console.log(`${(await (await browser.$('#search-results')).$$('li')).length} patients listed at the end`);
    await browser.deleteSession().catch(() => {});
    process.exit(0);
  }

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

  let searches = 0; // measured queries typed into the box (warm-up included)
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
      const b = (window.__bench = { key: null, first: null, firstFrame: null, dom: null, frame: null });
      addEventListener('keydown', () => { b.key = performance.now(); }, { capture: true, once: true });
      const afterFrame = (k) => requestAnimationFrame(() => setTimeout(() => { b[k] = performance.now(); }, 0));
      const seen = new MutationObserver(() => {
        const s = sig();
        // The first rows: the list holds the first results of the whole query, and no other.
        if (b.first === null && s && (s === want || want.startsWith(`${s},`))) {
          b.first = performance.now();
          afterFrame('firstFrame');
        }
        if (b.dom !== null || s !== want) return;
        b.dom = performance.now();
        seen.disconnect();
        afterFrame('frame');
      });
      seen.observe(list, { childList: true, subtree: true, characterData: true });
    }, full.ids.map((id) => `result-${id}`).join(','));
    await browser.keys([query.slice(-1)]);
    const t = await browser.executeAsync((done) => {
      const start = performance.now();
      (function poll() {
        const b = window.__bench;
        if ((b.frame !== null && b.firstFrame !== null) || performance.now() - start > 10_000) done(b);
        else setTimeout(poll, 5);
      })();
    });
    if (t.frame === null || t.firstFrame === null || t.key === null) throw new Error(`no results for ${JSON.stringify(query)} within 10 s`);
    const ipc = await invoke(query);
    searches++;
    return {
      first: t.first - t.key, firstFrame: t.firstFrame - t.key, dom: t.dom - t.key, frame: t.frame - t.key,
      ipc: ipc.ms, found: full.ids.length,
    };
  }

  // The floor of any "on screen" figure: from a moment with nothing to draw to the next
  // painted frame (the same requestAnimationFrame + task), i.e. waiting for the frame
  // clock (about 16.7 ms between frames) plus painting an unchanged page.
  const idle = [];
  for (let i = 0; i < 100; i++) {
    await sleep(Math.random() * 20); // not random(): the queries stay those of earlier runs
    idle.push(await browser.executeAsync((done) => {
      const t = performance.now();
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));
    }));
  }
  idle.sort((a, b) => a - b);

  // The floor of any "IPC alone" figure: a command with no database work, answered on
  // the app's main thread (app_status), from the page and back, 100 times.
  const floor = [];
  for (let i = 0; i < 100; i++) {
    await sleep(Math.random() * 20);
    floor.push(await browser.executeAsync((done) => {
      const t = performance.now();
      window.__TAURI_INTERNALS__.invoke('app_status').then(() => done(performance.now() - t), () => done(NaN));
    }));
  }
  floor.sort((a, b) => a - b);

  const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`an idle frame (nothing changed, 100 times): next frame after p50 ${percentile(idle, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(idle, 99).toFixed(1)} ms, max ${idle.at(-1).toFixed(1)} ms`);
  console.log(`a command with no database work (app_status, 100 times): answered after p50 ${percentile(floor, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(floor, 99).toFixed(1)} ms, max ${floor.at(-1).toFixed(1)} ms`);
  console.log(`${people.length} demo patients to draw queries from; ${PER_CLASS} queries per class (+${WARM_UP} warm-up); load average ${load}`);
  console.log('');
  console.log('| Query class | Runs | key → first rows in DOM p50 ms | p99 ms | key → first rows on screen p50 ms | p99 ms | max ms | ' +
    'key → all rows in DOM p50 ms | p99 ms | key → all rows on screen p50 ms | p99 ms | IPC alone p50 ms | p99 ms | Found (mean) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
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
    const [first, firstFrame, dom, frame, ipc] = [col('first'), col('firstFrame'), col('dom'), col('frame'), col('ipc')];
    const f = (x) => x.toFixed(1);
    const found = rows.reduce((s, r) => s + r.found, 0) / rows.length;
    console.log(`| ${name} | ${rows.length} | ${f(percentile(first, 50))} | ${f(percentile(first, 99))} | ` +
      `${f(percentile(firstFrame, 50))} | ${f(percentile(firstFrame, 99))} | ${f(firstFrame.at(-1))} | ` +
      `${f(percentile(dom, 50))} | ${f(percentile(dom, 99))} | ${f(percentile(frame, 50))} | ${f(percentile(frame, 99))} | ` +
      `${f(percentile(ipc, 50))} | ${f(percentile(ipc, 99))} | ${found.toFixed(1)} |` +
      (skipped ? ` <!-- ${skipped} skipped: last key changed nothing -->` : ''));
  }
  const after = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log('');
  console.log(`load average after: ${after}`);

  // --- memory after sign-in and all those searches, as scripts/measure-app.sh sums it ---
  if (process.env.PSS !== '0') {
    await printPss(`after sign-in and ${searches} searches`); // idle on the results, as measure-app.sh does
  }
} finally {
  await browser.deleteSession().catch(() => {});
}
