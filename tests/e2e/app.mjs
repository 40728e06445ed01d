// Helpers for the end-to-end tests: start the real Glabella binary behind its own
// tauri-driver (one per test, each with its own fresh data directory), and act on the
// window the way a person does: by label, by button text, by what is on screen.
//
// Why one tauri-driver per test: WebDriver capabilities cannot set environment
// variables, and the app finds its database through GLABELLA_DATA_DIR. tauri-driver
// passes its own environment down to WebKitWebDriver and from there to the app, so the
// driver is started with the test's data directory in its environment.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { remote } from 'webdriverio';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests', 'artifacts');

/** The app binary under test. */
export const APP_BINARY = path.resolve(
  process.env.GLABELLA_APP || path.join(REPO_ROOT, 'target', 'release', 'glabella'),
);
const TAURI_DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const NATIVE_DRIVER = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';

// The machine is slow (2 cores, software rendering under Xvfb): wait generously.
export const TIMEOUT = Number(process.env.GLABELLA_E2E_TIMEOUT_MS || 30_000);
const DRIVER_START_TIMEOUT = 30_000;
const SESSION_TIMEOUT = 120_000;
/** Upper bound for one whole test, so a hung driver cannot hang the run. */
export const TEST_TIMEOUT = 6 * 60_000;

/**
 * The clinic and first administrator that `appTest` sets up by default. The password is
 * a fixed test passphrase (the app asks for at least 8 characters).
 */
export const ADMIN = Object.freeze({
  clinicName: 'Glabella Test Clinic',
  fullName: 'Avery Admin',
  username: 'admin',
  password: 'correct horse battery',
});

// ---------------------------------------------------------------------------
// Processes and ports

/** A TCP port that was free a moment ago. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Two distinct free ports. */
async function twoFreePorts() {
  for (;;) {
    const a = await freePort();
    const b = await freePort();
    if (a !== b) return [a, b];
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until tauri-driver accepts connections on `port`, or fails with its output. */
async function waitForPort(port, child, output) {
  const deadline = Date.now() + DRIVER_START_TIMEOUT;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`tauri-driver exited (${child.exitCode ?? child.signalCode}) before listening on ${port}:\n${output()}`);
    }
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on port ${port} within ${DRIVER_START_TIMEOUT} ms:\n${output()}`);
}

/** Pids of every live descendant of `pid` (children, grandchildren, …), from /proc. */
function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    // Field 4 (ppid) comes after the command name, which is in parentheses and may hold spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) || []) { found.push(c); queue.push(c); }
  }
  return found;
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function signal(pid, sig) {
  try { process.kill(pid, sig); } catch { /* already gone */ }
}

/**
 * Ends tauri-driver and everything under it (WebKitWebDriver, the app, its web
 * processes): by process group (the driver is started as a group leader) and, for
 * anything that left the group, by walking the process tree.
 */
async function killTree(child) {
  if (!child || child.pid === undefined) return;
  const pids = [child.pid, ...descendants(child.pid)];
  signal(-child.pid, 'SIGTERM');
  for (const p of pids) signal(p, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && pids.some(alive)) await sleep(100);
  const left = [child.pid, ...descendants(child.pid), ...pids].filter(alive);
  signal(-child.pid, 'SIGKILL');
  for (const p of left) signal(p, 'SIGKILL');
}

// ---------------------------------------------------------------------------
// Finding things the way a person does

/** Collapses whitespace, as a person reads text. */
export function normalize(text) {
  return String(text ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Runs in the page: the form control whose label reads `label` — a <label for>, a
 * wrapping <label>, aria-labelledby or aria-label. The label's own text is read without
 * the text of controls inside it (a wrapped <select>'s options) and without a trailing
 * required marker ("*").
 */
function controlByLabel(label) {
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim().replace(/\s*\*$/, '');
  const controls = 'input, select, textarea, [contenteditable="true"], [role="combobox"], [role="textbox"], [role="checkbox"]';
  const labelText = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('input, select, textarea, [aria-hidden="true"]').forEach((n) => n.remove());
    return norm(copy.textContent);
  };
  const controlOf = (el) => {
    if (el.control) return el.control;
    const f = el.getAttribute('for');
    if (f && document.getElementById(f)) return document.getElementById(f);
    return el.querySelector(controls);
  };
  const labels = [...document.querySelectorAll('label')].map((el) => [el, labelText(el)]);
  for (const [el, text] of labels) {
    if (text === label && controlOf(el)) return controlOf(el);
  }
  for (const el of document.querySelectorAll(controls)) {
    if (norm(el.getAttribute('aria-label')) === label) return el;
    const by = el.getAttribute('aria-labelledby');
    if (by && norm(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ')) === label) return el;
  }
  // A label that goes on after the name with a hint, e.g. "Blood thinners (e.g. warfarin)",
  // as long as only one label reads that way.
  const prefixed = labels.filter(([el, text]) =>
    text.startsWith(label) && /^[^\p{L}\p{N}]/u.test(text.slice(label.length)) && controlOf(el));
  return prefixed.length === 1 ? controlOf(prefixed[0][0]) : null;
}

/** Runs in the page: the visible button (or role=button) whose text reads `text`. */
function buttonByText(text) {
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();
  const candidates = [...document.querySelectorAll('button, [role="button"], input[type="submit"], input[type="button"]')];
  const name = (el) => norm(el.tagName === 'INPUT' ? el.value : (el.textContent || el.getAttribute('aria-label')));
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  return candidates.find((el) => name(el) === text && visible(el))
    || candidates.find((el) => name(el) === text)
    || null;
}

/** Runs in the page: the heading (h1–h6 or role=heading) that reads `text`. */
function headingByText(text) {
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();
  return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
    .find((el) => norm(el.textContent) === text) || null;
}

/** Runs in the page: the section (or region) that a heading reading `text` heads. */
function sectionByHeading(text) {
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();
  const h = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
    .find((el) => norm(el.textContent) === text);
  if (!h) return null;
  return h.closest('section, [role="region"], article, fieldset') || h.parentElement;
}

// ---------------------------------------------------------------------------
// The app

/**
 * One running Glabella: its tauri-driver, its data directory and (while open) its
 * WebDriver session. Use `App.start()`; always `stop()` it (see `appTest`).
 */
export class App {
  constructor({ root, dataDir, ownsRoot, env = {} }) {
    /** The test's temp folder: the data directory and the app's per-user folders. */
    this.root = root;
    /** GLABELLA_DATA_DIR: where the app keeps its database. */
    this.dataDir = dataDir;
    this.ownsRoot = ownsRoot;
    /** Extra environment for the app (through its tauri-driver), e.g. GLABELLA_IDLE_LOCK_SECONDS. */
    this.env = { ...env };
    this.driver = null;
    this.driverOutput = '';
    this.outputSeen = 0;
    this.port = null;
    /** @type {WebdriverIO.Browser | null} */
    this.browser = null;
  }

  /**
   * Starts a tauri-driver for a fresh (or the given) data directory and opens the app.
   * `env` is added to the app's environment (e.g. `{ GLABELLA_IDLE_LOCK_SECONDS: '4' }`):
   * the app inherits it from its tauri-driver.
   */
  /** Everything in the app's log folder, file by file (name → text). */
  logFiles() {
    const dir = path.join(this.root, 'share', 'org.glabella.desktop', 'logs');
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  }

  static async start({ dataDir, env } = {}) {
    checkPrerequisites();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glabella-e2e-'));
    const app = new App({ root, dataDir: dataDir || path.join(root, 'data'), ownsRoot: true, env });
    try {
      await app.startDriver();
      await app.openSession();
    } catch (e) {
      await app.stop();
      throw e;
    }
    return app;
  }

  async startDriver() {
    const [port, nativePort] = await twoFreePorts();
    this.port = port;
    const child = spawn(
      TAURI_DRIVER,
      ['--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE_DRIVER],
      {
        env: {
          ...process.env,
          GLABELLA_DATA_DIR: this.dataDir,
          // The app's other per-user files (window state, logs, web storage, caches) go
          // to the test's folder too, so no test sees another's or the developer's own,
          // and a test can look at everything the app wrote.
          XDG_CONFIG_HOME: path.join(this.root, 'config'),
          XDG_DATA_HOME: path.join(this.root, 'share'),
          XDG_STATE_HOME: path.join(this.root, 'state'),
          XDG_CACHE_HOME: path.join(this.root, 'cache'),
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, so the whole tree can be ended at once
      },
    );
    this.driver = child;
    const keep = (chunk) => {
      const text = chunk.toString();
      this.outputSeen += text.length;
      this.driverOutput += text;
      if (this.driverOutput.length > 50_000) this.driverOutput = this.driverOutput.slice(-50_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const spawnError = new Promise((_, reject) => child.once('error', reject));
    spawnError.catch(() => {});
    await Promise.race([waitForPort(port, child, () => this.driverOutput), spawnError]);
  }

  /** Opens a WebDriver session: launches the app and waits for its window. */
  async openSession() {
    // The app writes to the driver's output; if it dies while starting (a panic), fail
    // now with its message rather than after the session timeout.
    const seenBefore = this.outputSeen;
    let watching = true;
    const crashed = (async () => {
      while (watching) {
        const fresh = Math.min(this.outputSeen - seenBefore, this.driverOutput.length);
        const out = fresh > 0 ? this.driverOutput.slice(-fresh) : '';
        const m = out.match(/panicked at[\s\S]{0,600}/);
        if (m) throw new Error(`the app crashed while starting:\n${m[0]}`);
        await sleep(250);
      }
    })();
    let browser;
    try {
      browser = await Promise.race([this.connect(), crashed]);
    } finally {
      watching = false;
    }
    this.browser = browser;
    // The window is up once the page has loaded.
    await this.browser.waitUntil(
      async () => (await this.browser.execute(() => document.readyState)) === 'complete',
      { timeout: TIMEOUT, timeoutMsg: 'the app window did not finish loading' },
    );
    const url = await this.browser.getUrl();
    if (/^https?:\/\/localhost:\d+/.test(url)) {
      throw new Error(
        `the app loads its UI from a dev server (${url}): ${APP_BINARY} was built without the ` +
        `"custom-protocol" feature. Build it with: cargo build --release -p glabella --features e2e`,
      );
    }
  }

  /** A new WebDriver session on this app's tauri-driver (which launches the app). */
  connect() {
    return remote({
      hostname: '127.0.0.1',
      port: this.port,
      path: '/',
      logLevel: process.env.WDIO_LOG_LEVEL || 'warn',
      connectionRetryTimeout: SESSION_TIMEOUT,
      connectionRetryCount: 1,
      waitforTimeout: TIMEOUT,
      waitforInterval: 200,
      capabilities: {
        'tauri:options': { application: APP_BINARY },
        // WebKitWebDriver speaks classic WebDriver only; don't ask for BiDi.
        'wdio:enforceWebDriverClassic': true,
      },
    });
  }

  /** "Restart the app": closes the window and opens the app again on the same data. */
  async restart() {
    await this.closeSession();
    await this.openSession();
  }

  async closeSession() {
    const b = this.browser;
    this.browser = null;
    if (!b) return;
    try { await b.deleteSession(); } catch { /* the driver is ended below anyway */ }
  }

  /** Closes the app and ends tauri-driver and everything it started. Never throws. */
  async stop() {
    try { await this.closeSession(); } catch { /* ignore */ }
    try { await killTree(this.driver); } catch { /* ignore */ }
    this.driver = null;
    if (this.ownsRoot && !process.env.GLABELLA_E2E_KEEP_DATA) {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
  }

  /** Saves a screenshot of the window to tests/artifacts/<name>.png. */
  async screenshot(name) {
    if (!this.browser) return null;
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
    await this.browser.saveScreenshot(file);
    return file;
  }

  // --- looking -------------------------------------------------------------

  /** The window's title. */
  title() {
    return this.browser.getTitle();
  }

  /** All the text currently shown in the window. */
  async pageText() {
    return normalize(await this.browser.$('body').getText());
  }

  /** Waits until the window shows `text` (whitespace-insensitive substring). */
  async waitForText(text, { timeout = TIMEOUT } = {}) {
    const want = normalize(text);
    let last = '';
    await this.browser.waitUntil(
      async () => (last = await this.pageText()).includes(want),
      { timeout, timeoutMsg: `expected the window to show ${JSON.stringify(want)}; it shows: ${JSON.stringify(last.slice(0, 1500))}` },
    );
  }

  /** Waits until the window no longer shows `text`. */
  async waitForNoText(text, { timeout = TIMEOUT } = {}) {
    const want = normalize(text);
    await this.browser.waitUntil(
      async () => !(await this.pageText()).includes(want),
      { timeout, timeoutMsg: `expected the window to stop showing ${JSON.stringify(want)}` },
    );
  }

  /** The form control labelled `label`, once it is shown. */
  async field(label, { timeout = TIMEOUT } = {}) {
    const el = await this.browser.$({ strategy: controlByLabel, strategyName: 'label', strategyArguments: [label] });
    await el.waitForExist({ timeout, timeoutMsg: `no field labelled ${JSON.stringify(label)}` });
    return el;
  }

  /** The button that reads `text`, once it is shown. */
  async button(text, { timeout = TIMEOUT } = {}) {
    const el = await this.browser.$({ strategy: buttonByText, strategyName: 'button', strategyArguments: [text] });
    await el.waitForDisplayed({ timeout, timeoutMsg: `no button reading ${JSON.stringify(text)}` });
    return el;
  }

  /** The heading that reads `text`, once it is shown. */
  async heading(text, { timeout = TIMEOUT } = {}) {
    const el = await this.browser.$({ strategy: headingByText, strategyName: 'heading', strategyArguments: [text] });
    await el.waitForDisplayed({ timeout, timeoutMsg: `no heading reading ${JSON.stringify(text)}` });
    return el;
  }

  /** The section headed `text`, once it is shown. */
  async section(text, { timeout = TIMEOUT } = {}) {
    const el = await this.browser.$({ strategy: sectionByHeading, strategyName: 'section', strategyArguments: [text] });
    await el.waitForDisplayed({ timeout, timeoutMsg: `no section headed ${JSON.stringify(text)}` });
    return el;
  }

  /** The element with `data-testid="<id>"` (one of the few the UI contract names). */
  testId(id) {
    return this.browser.$(`[data-testid="${id}"]`);
  }

  /** The text of the page's first h1, once there is one. */
  async h1Text({ timeout = TIMEOUT } = {}) {
    const h1 = await this.browser.$('h1');
    await h1.waitForDisplayed({ timeout, timeoutMsg: 'no h1 shown' });
    return normalize(await h1.getText());
  }

  /** Waits until the page's h1 reads exactly `text`. */
  async waitForH1(text, { timeout = TIMEOUT } = {}) {
    let last = '';
    await this.browser.waitUntil(
      async () => {
        const h1s = await this.browser.$$('h1');
        for (const h of h1s) {
          last = normalize(await h.getText());
          if (last === text) return true;
        }
        return false;
      },
      { timeout, timeoutMsg: `expected an h1 reading ${JSON.stringify(text)}; last h1 read ${JSON.stringify(last)}` },
    );
  }

  /** The texts of the search results now listed, in order. */
  async searchResults() {
    const rows = await this.browser.$$('[data-testid="search-result"]');
    const texts = [];
    for (const r of rows) texts.push(normalize(await r.getText()));
    return texts;
  }

  /** Waits until a search result row contains `text`, and returns all rows' texts. */
  async waitForResult(text, { timeout = TIMEOUT } = {}) {
    let rows = [];
    await this.browser.waitUntil(
      async () => (rows = await this.searchResults()).some((r) => r.includes(text)),
      { timeout, timeoutMsg: `expected a search result showing ${JSON.stringify(text)}; results were ${JSON.stringify(rows)}` },
    );
    return rows;
  }

  /**
   * Arms a tripwire in the page for markup that would run script: alert/confirm/prompt
   * are replaced by recorders, and every Content-Security-Policy violation is recorded
   * (the app's CSP blocks inline handlers such as onerror=…, so an injected handler shows
   * up as a violation even though it never runs). Read it with `tripwire()`.
   * Note: a real alert() never reaches WebDriver in this webview, so WebDriver's own
   * alert commands cannot tell whether one was called.
   */
  async armTripwire() {
    await this.browser.execute(() => {
      const record = (kind) => (...args) => { window.__e2eTripwire[kind].push(args.map(String).join(' ')); };
      window.__e2eTripwire = { dialogs: [], violations: [] };
      window.alert = record('dialogs');
      window.confirm = record('dialogs');
      window.prompt = record('dialogs');
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__e2eTripwire.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`.trim());
      });
    });
  }

  /** What the tripwire caught since `armTripwire()`: `{ dialogs: [...], violations: [...] }`. */
  async tripwire() {
    const caught = await this.browser.execute(() => window.__e2eTripwire || null);
    if (!caught) throw new Error('the tripwire is not armed (the page was reloaded?)');
    return caught;
  }

  // --- doing -----------------------------------------------------------------

  /** Clicks the button that reads `text`. */
  async click(text) {
    const b = await this.button(text);
    await b.waitForClickable({ timeout: TIMEOUT, timeoutMsg: `button ${JSON.stringify(text)} is not clickable` });
    await b.click();
  }

  /** Types `value` into the field labelled `label` (replacing what was there); selects an
   * option by its text for a <select>; ticks/unticks a checkbox for a boolean. */
  async fill(label, value) {
    const el = await this.field(label);
    const tag = (await el.getTagName()).toLowerCase();
    const type = tag === 'input' ? String(await el.getAttribute('type') || 'text').toLowerCase() : tag;
    if (typeof value === 'boolean' || type === 'checkbox') {
      if ((await el.isSelected()) !== Boolean(value)) await el.click();
      return;
    }
    if (tag === 'select') {
      await el.selectByVisibleText(value);
      return;
    }
    await el.waitForEnabled({ timeout: TIMEOUT });
    await el.click();
    if ((await el.getValue()) !== '') {
      // Select all and delete, as a person does: the page sees real input events.
      await this.browser.keys(['Control', 'a']);
      await this.browser.keys(['Backspace']);
      if ((await el.getValue()) !== '') await el.clearValue();
    }
    if (value !== '') await el.addValue(value);
    const got = await el.getValue();
    if (got !== value) {
      throw new Error(`typed ${JSON.stringify(value)} into ${JSON.stringify(label)} but it holds ${JSON.stringify(got)}`);
    }
  }

  /** Fills several labelled fields, in order: `{ 'First name': 'Ana', … }`. */
  async fillForm(values) {
    for (const [label, value] of Object.entries(values)) await this.fill(label, value);
  }

  /** Presses keys, e.g. `press('ArrowDown')`, `press('Enter')`, `press('Control', 'k')`
   * (keys given together are held down together). */
  async press(...keys) {
    await this.browser.keys(keys);
  }

  // --- the clinic and the people in it ------------------------------------------

  /**
   * First start (an empty data directory): fills "Set up your clinic", presses "Create
   * clinic", ticks "I have printed or written down the recovery key", continues, and waits
   * for the search screen. Returns the recovery key that was shown.
   */
  async setUpClinic({
    clinicName = ADMIN.clinicName,
    clinicAddress = '',
    clinicPhone = '',
    fullName = ADMIN.fullName,
    username = ADMIN.username,
    password = ADMIN.password,
  } = {}) {
    await this.heading('Set up your clinic');
    const fields = { 'Clinic name': clinicName };
    if (clinicAddress) fields['Clinic address'] = clinicAddress;
    if (clinicPhone) fields['Clinic phone'] = clinicPhone;
    Object.assign(fields, {
      'Your full name': fullName,
      'Username': username,
      'Password': password,
      'Repeat password': password,
    });
    await this.fillForm(fields);
    await this.click('Create clinic');
    // Creating the encrypted database derives a key from the password: slow in a debug build.
    await this.heading('Your recovery key', { timeout: 2 * TIMEOUT });
    const keyEl = this.testId('recovery-key');
    await keyEl.waitForDisplayed({ timeoutMsg: 'the recovery key is not shown' });
    const recoveryKey = normalize(await keyEl.getText());
    await this.fill('I have printed or written down the recovery key', true);
    await this.click('Continue to Glabella');
    await this.field('Search patients');
    return recoveryKey;
  }

  /**
   * On the "Sign in to Glabella" screen: types the username and password and presses
   * "Sign in". Does not wait for the outcome (see `signIn`).
   */
  async submitSignIn(username, password) {
    await this.heading('Sign in to Glabella');
    await this.fillForm({ 'Username': username, 'Password': password });
    await this.click('Sign in');
  }

  /** Signs in from the sign-in screen and waits for the search screen. */
  async signIn(username, password) {
    await this.submitSignIn(username, password);
    await this.field('Search patients', { timeout: 2 * TIMEOUT });
  }

  /** The signed-in person as the top bar shows them: "<Full name> · <Role>". */
  async signedInUser() {
    const el = this.testId('signed-in-user');
    await el.waitForDisplayed({ timeoutMsg: 'the top bar shows nobody signed in' });
    return normalize(await el.getText());
  }

  /** Signs out from the top bar and waits for the sign-in screen. */
  async signOut() {
    await this.click('Sign out');
    await this.heading('Sign in to Glabella');
  }

  /**
   * Calls a Tauri command straight from the page, as a script in the webview could, and
   * resolves to `{ ok: true, value }` or `{ ok: false, rejection }` (the command's error,
   * e.g. `{ code: 'auth.forbidden', message, … }`).
   * (Not `{ error }`: WebdriverIO takes a script result with an `error` key for a
   * WebDriver error.)
   */
  async invoke(command, args = {}) {
    return this.browser.executeAsync((cmd, a, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, a).then(
        (value) => done({ ok: true, value: value === undefined ? null : value }),
        (rejection) => done({ ok: false, rejection: rejection === undefined ? null : rejection }),
      );
    }, command, args);
  }

  /** From the start screen: opens the "Register new patient" form. */
  async openRegisterForm() {
    await this.click('Register new patient');
    await this.heading('Register new patient');
  }

  /**
   * Registers a patient through the form, from the start screen: fills the labelled
   * fields given (`{ 'First name': 'Ana', 'Last name': 'Ruiz', … }`) and presses
   * "Register patient". Does not wait for the outcome: the caller checks what shows.
   */
  async submitRegistration(fields) {
    await this.openRegisterForm();
    await this.fillForm(fields);
    await this.click('Register patient');
  }

  /** Registers a patient and waits for the new chart, headed "<First> <Last>". */
  async registerPatient(fields) {
    await this.submitRegistration(fields);
    await this.waitForH1(`${fields['First name']} ${fields['Last name']}`);
  }

  /**
   * As an administrator: creates a staff account on "Staff accounts" with the full
   * name, username, role ("Injector", "Receptionist", …) and password given.
   */
  async createAccount({ fullName, username, role, password }) {
    await this.click('Staff accounts');
    await this.heading('New account');
    await this.fillForm({ 'Full name': fullName, 'Username': username, 'Role': role, 'Password': password });
    await this.click('Create account');
    await this.waitForText(`Account created for ${fullName}.`);
  }

  /** The texts of the buttons now shown, in page order. */
  async visibleButtons() {
    return this.browser.execute(() =>
      [...document.querySelectorAll('button')]
        .filter((b) => b.getClientRects().length > 0)
        .map((b) => b.textContent.replace(/\s+/g, ' ').trim()));
  }

  /** Clicks the face chart at a fraction of its width and height (0..1 from the top left). */
  async clickFaceChart(fx, fy) {
    const chart = this.testId('face-chart');
    await chart.waitForDisplayed({ timeoutMsg: 'no face chart shown' });
    await chart.scrollIntoView({ block: 'center' });
    const box = await this.browser.execute(() => {
      const r = document.querySelector('[data-testid="face-chart"]').getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    });
    const x = Math.round(box.left + fx * box.width);
    const y = Math.round(box.top + fy * box.height);
    await this.browser.action('pointer').move({ x, y, origin: 'viewport' }).down().up().perform();
  }

  /** Types `text` key by key into whatever has the keyboard focus. */
  async type(text) {
    for (const ch of text) await this.browser.keys([ch]);
  }

  /** From the start screen: searches `query`, opens the result reading `result` (e.g.
   * "Núñez, María") with the keyboard, and waits for the chart headed `name`. */
  async openPatient(query, result, name) {
    await this.search(query);
    await this.waitForResult(result);
    await this.press('ArrowDown');
    await this.press('Enter');
    await this.waitForH1(name);
  }

  /** Types into the search box (the start screen's "Search patients"). */
  async search(query) {
    await this.fill('Search patients', query);
  }
}

/** The files under `dir` whose bytes contain any of `needles` (as UTF-8). */
export function filesContaining(dir, needles) {
  const hits = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    let bytes;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      if (e.code === 'ENOENT') continue; // a temporary file the running app just removed
      throw e;
    }
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8'))) hits.push(`${path.relative(dir, file)}: ${needle}`);
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------
// Prerequisites and the test wrapper

let checked = false;

/** Fails with a clear message if a tool or the app binary is missing. */
export function checkPrerequisites() {
  if (checked) return;
  const missing = [];
  const which = spawnSync('sh', ['-c', `command -v "${TAURI_DRIVER}"`], { encoding: 'utf8' });
  if (which.status !== 0) missing.push(`tauri-driver (not on PATH; install with: cargo install tauri-driver --locked)`);
  if (!fs.existsSync(NATIVE_DRIVER)) missing.push(`WebKitWebDriver at ${NATIVE_DRIVER} (Debian package webkit2gtk-driver)`);
  if (!fs.existsSync(APP_BINARY)) missing.push(`the app binary at ${APP_BINARY} (build it with: cargo build --release -p glabella --features e2e, or set GLABELLA_APP)`);
  if (!process.env.DISPLAY) missing.push('an X display (DISPLAY is unset; run through tests/run-e2e.sh, which starts Xvfb)');
  if (missing.length) throw new Error(`end-to-end tests cannot run; missing:\n  - ${missing.join('\n  - ')}`);
  checked = true;
}

/**
 * A test on a freshly started app with its own empty data directory. By default the
 * clinic is set up first (`ADMIN` signed in, on the search screen); `{ setUp: false }`
 * leaves the app on its first-start screen. `{ env: { NAME: 'value' } }` adds to the
 * app's environment. Other options go to node:test. The app is always stopped
 * afterwards; on failure a screenshot goes to tests/artifacts/.
 */
export function appTest(name, fn, options = {}) {
  const { setUp = true, env, ...testOptions } = options;
  return test(name, { timeout: TEST_TIMEOUT, ...testOptions }, async (t) => {
    const app = await App.start({ env });
    try {
      if (setUp) await app.setUpClinic();
      await fn(app, t);
    } catch (e) {
      try {
        const file = await app.screenshot(`${path.basename(process.argv[1] || 'e2e', '.test.mjs')}--${name}`);
        if (file) t.diagnostic(`screenshot: ${path.relative(REPO_ROOT, file)}`);
      } catch (shotError) {
        t.diagnostic(`no screenshot: ${shotError.message}`);
      }
      if (app.driverOutput.trim()) {
        process.stderr.write(`--- tauri-driver/app output for "${name}" (tail) ---\n${app.driverOutput.slice(-3000)}\n---\n`);
      }
      throw e;
    } finally {
      await app.stop();
    }
  });
}
