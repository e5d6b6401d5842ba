/**
 * Browser-test harness: real Chromium (Debian's, through playwright-core) against the real
 * app and the built web client.
 *
 * - test/browser/build.ts is a vitest globalSetup (see vitest.config.ts): it builds web/ into
 *   web/dist once per run, with vite's own build(), when the sources are newer than the last
 *   build. It imports nothing from the app, so a half-edited server file cannot break it.
 * - `startServer()` serves the app (fresh test database, see test/helpers.ts) and web/dist
 *   on 127.0.0.1 at a free port.
 * - `launchBrowser()`, `newPage()`, `signIn()` and `expectNoAxeViolations()` drive it.
 *
 * Test files guard themselves with `describe.skipIf(!browserAvailable)`; `skipReason` says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type BrowserContextOptions, type Page, type Request } from 'playwright-core';
import type { Config } from '../../server/platform/deps.js';
import { makeTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers.js';
import { assertWebBuilt, buildWeb, WEB_DIST } from './build.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export { buildWeb, WEB_DIST };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Debian's Chromium headless shell (package chromium-headless-shell: the same Blink and V8
 * without the browser's own windows and UI, as Playwright itself uses for headless runs; about
 * a third less CPU for the same tests here), else Debian's Chromium.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why browser tests cannot run here, or null when they can. */
export const skipReason: string | null = existsSync(CHROMIUM_PATH) ? null : `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's "chromium-headless-shell" or "chromium" package, as .ci/run does, or set CHROMIUM_PATH)`;
export const browserAvailable = skipReason === null;
/** Call at the top of a browser test file: prints why its tests are skipped, if they are. */
export function warnIfSkipped(file: string) {
  if (skipReason) console.warn(`${path.basename(file)}: ${skipReason}`);
}

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The test context (fixtures, clock, request) of the app being served. */
  t: TestContext;
  close: () => Promise<void>;
}

/**
 * Serves the app with the built web client on 127.0.0.1 at a free port. The clock starts
 * at the real time (cookies the browser keeps must not be born expired); move it with t.clock.
 */
export async function startServer(opts: { now?: string; config?: Partial<Config> } = {}): Promise<TestServer> {
  assertWebBuilt();
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) await buildWeb({ force: true });
  const t = await makeTestContext({ now: opts.now ?? new Date().toISOString(), config: { webRoot: WEB_DIST, ...opts.config } });
  // axe-core is served beside the app, outside it, for expectNoAxeViolations (see there).
  const fetch: typeof t.app.fetch = (req, ...rest) => (new URL(req.url).pathname === AXE_PATH ? axeResponse() : t.app.fetch(req, ...rest));
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  servingAxe.add(baseUrl);
  // Links in feeds and emails should point at this server.
  t.deps.config.publicUrl = baseUrl;
  return {
    baseUrl,
    t,
    close: async () => {
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      });
      await t.close();
      servingAxe.delete(baseUrl);
    },
  };
}

/** Debian's Chromium, headless, with nothing that talks to the network on its own. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true, timeout: 20_000 });
}

/** A camera and microphone that are always there and always allowed (the live room's pages). */
export const FAKE_MEDIA = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
/** The browser with FAKE_MEDIA, for serverAndBrowser's `launch`. */
export const launchWithFakeMedia = () => launchBrowser(FAKE_MEDIA);

/**
 * The plain browser (launchBrowser's), one per test worker, kept from file to file: the
 * browser tests share their modules within a worker (vitest.config.ts), so this outlives a
 * file, and each test's pages are in contexts of their own, closed after it (serverAndBrowser).
 * Launched anew should it have gone (crashed, or closed by a test). It ends with its worker
 * (Playwright's exit handling, or its control pipe closing): no Chromium is left after a run.
 */
let shared: Promise<Browser> | null = null;
function sharedBrowser(): Promise<Browser> {
  if (shared) {
    const current = shared;
    return current.then((b) => (b.isConnected() ? b : ((shared = null), sharedBrowser())), () => ((shared = null), sharedBrowser()));
  }
  shared = launchBrowser();
  return shared;
}

/**
 * For a describe block: serves the app before its tests, with the browser (the worker's shared
 * one, or `launch`'s own), and closes the server after them, and `launch`'s browser. Every
 * browser context a test opened is closed after it: a page left open kept using the CPU (its
 * timers, its caret, its renders) for the rest of the file, a quarter of Chromium's time.
 * `env.server` and `env.browser` are set from then on.
 */
export function serverAndBrowser(opts: { server?: Parameters<typeof startServer>[0]; launch?: () => Promise<Browser> } = {}) {
  const env = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    [env.server, env.browser] = await Promise.all([startServer(opts.server), (opts.launch ?? sharedBrowser)()]);
  });
  afterEach(async () => {
    for (const context of env.browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    if (opts.launch) await env.browser?.close();
    else for (const context of env.browser?.contexts() ?? []) await context.close();
    await env.server?.close();
  });
  return env;
}

/** A page in a fresh context (own cookies) whose relative URLs resolve against the server. */
export async function newPage(browser: Browser, server: Pick<TestServer, 'baseUrl'>, opts: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-GB', timezoneId: 'Europe/London', reducedMotion: 'reduce', ...opts });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watchRequests(page);
  return page;
}

/** Signs in through the sign-in form and waits for the session list. */
export async function signIn(page: Page, user: Pick<TestUser, 'email'>, password = TEST_PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
}

/**
 * Signs in through the sign-in API (what the form sends; the form itself is tested by its own
 * tests, e.g. sessions and accounts) and opens `path` straight away, without loading the
 * sign-in page and the session list on the way: most tests go somewhere else first. Without
 * `path` it only signs in, for a test that sets up routes or a clock before its first page, or
 * opens its pages with a helper of its own.
 */
export async function signInAt(page: Page, user: Pick<TestUser, 'email'>, path?: string, password = TEST_PASSWORD) {
  const r = await page.request.post('/api/auth/login', { data: { email: user.email, password } });
  if (!r.ok()) throw new Error(`signing in as ${user.email} failed: ${r.status()} ${await r.text()}`);
  if (path !== undefined) await page.goto(path);
}

/**
 * signInAt, then waits for the page's h1 to read `heading` (all of it, or matching a pattern).
 * With `nav`, the page stands in for one reached from the main menu's link of that name (a test
 * about the menu itself follows the link instead): the link must be in the menu for this person
 * and marked as the current page, and the heading takes focus, as it does when a link is
 * followed, so the keyboard goes on from where it would have.
 */
export async function signInTo(page: Page, user: Pick<TestUser, 'email'>, path: string, heading: string | RegExp, { nav }: { nav?: string } = {}) {
  await signInAt(page, user, path);
  const h1 = page.getByRole('heading', { level: 1, name: heading, exact: true });
  await h1.waitFor();
  if (nav === undefined) return;
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: nav, exact: true, includeHidden: true });
  expect(await link.count(), `the main menu has a "${nav}" link`).toBe(1);
  expect(await link.getAttribute('aria-current'), `the main menu's "${nav}" link marks ${path} as the current page`).toBe('page');
  await h1.focus();
}

/**
 * Waits until the page has settled: no request of its own open for `quietMs`, and no
 * "Loading …" line (load.tsx's `p.loading`) left. What Playwright's `networkidle` waits for,
 * but at the moment it is true rather than half a second later, on every page in every mode.
 * Requests are counted from `watchRequests`, which `newPage` calls.
 */
const openRequests = new WeakMap<Page, { open: number; last: number }>();
export function watchRequests(page: Page) {
  if (openRequests.has(page)) return;
  const state = { open: 0, last: Date.now() };
  openRequests.set(page, state);
  const done = () => {
    state.open = Math.max(0, state.open - 1);
    state.last = Date.now();
  };
  // axe-core's own script (expectNoAxeViolations) is the test's request, not the page's.
  const pages = (r: Request) => new URL(r.url()).pathname !== AXE_PATH;
  page.on('request', (r) => {
    if (!pages(r)) return;
    state.open++;
    state.last = Date.now();
  });
  page.on('requestfinished', (r) => pages(r) && done());
  page.on('requestfailed', (r) => pages(r) && done());
}
export async function settled(page: Page, { quietMs = 100, timeoutMs = 15_000 } = {}) {
  const state = openRequests.get(page);
  if (!state) throw new Error('settled() needs a page from newPage() (or watchRequests() called on it first)');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.open === 0 && Date.now() - state.last >= quietMs && (await page.locator('p.loading').count()) === 0) return;
    if (Date.now() > deadline) throw new Error(`${page.url()} did not settle in ${timeoutMs} ms (${state.open} request(s) still open)`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let axeSource: string | null = null;
const axeScript = () => (axeSource ??= readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
/**
 * Where startServer serves axe-core (no `.js`: it is not one of the web client's scripts, which
 * some tests collect). Loaded as a script of the page's own origin, the browser compiles it off
 * the main thread and keeps it in the context's cache, so the next document of the same context
 * gets it cheaply; evaluated through the DevTools protocol, every document compiled all 650 kB
 * again.
 */
const AXE_PATH = '/__test__/axe-core';
const axeResponse = () => new Response(axeScript(), { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'private, max-age=3600' } });
/** The origins of this file's servers (startServer), which serve AXE_PATH. */
const servingAxe = new Set<string>();

/** Puts axe-core into the page's document, unless it is there already. */
async function injectAxe(page: Page) {
  // From the app's own server (its CSP allows scripts of its origin) as a <script> that is
  // removed once it has run; any other page (another origin, a sandboxed download, an
  // error page) gets the source through the DevTools protocol, which no CSP blocks.
  const how = await page.evaluate(
    ({ origins, src }) => {
      if (typeof (window as { axe?: unknown }).axe !== 'undefined') return 'there';
      if (!origins.includes(location.origin)) return 'elsewhere';
      return new Promise<string>((resolve) => {
        const s = document.createElement('script');
        const done = (how: string) => () => {
          s.remove();
          resolve(typeof (window as { axe?: unknown }).axe !== 'undefined' ? how : 'failed');
        };
        s.onload = done('loaded');
        s.onerror = done('failed');
        s.src = src;
        document.head.append(s);
      });
    },
    { origins: [...servingAxe], src: AXE_PATH },
  );
  if (how === 'elsewhere' || how === 'failed') await page.evaluate(axeScript());
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Nothing scrolls sideways (WCAG 1.4.10 reflow: checked at 320 CSS px by the narrow tests). */
export async function expectNoSidewaysScroll(page: Page, what = page.url()) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, `${what} scrolls sideways (at ${page.viewportSize()?.width ?? '?'} px)`).toBeLessThanOrEqual(clientWidth);
}

/** axe-clean, nothing scrolls sideways at the width the page is open at, and no short word is broken across lines. */
export async function checkPage(page: Page, what = page.url()) {
  await expectNoAxeViolations(page, what);
  await expectNoSidewaysScroll(page, what);
  await expectNoBrokenWords(page, what);
}

/**
 * No ordinary word (2 to 16 letters) shown on the page is split across lines: a box squeezed
 * narrower than its words (a table's caption one letter a line at 320 px, "Onlin/e" in a
 * table's column at 1280 px) reads as nonsense, though nothing scrolls sideways. A word
 * wider than the page's column itself may break, and any word when the text is made larger
 * than the page's own (reflow at 200% text allows it); so may a longer run of
 * letters, or a word inside an address, an email or a name typed without spaces, and text
 * meant to (`word-break: break-all`, a feed address); text hidden from sight (the visually
 * hidden headers of a stacked table) is not looked at. The first 5,000 pieces of text are read
 * (a page of 5,000 rows would take seconds more): a long table is judged by its first rows.
 */
export async function expectNoBrokenWords(page: Page, what = page.url()) {
  const broken = await page.evaluate(() => {
    const out: string[] = [];
    // Text made larger than the page's own (a phone's largest text): a word in a box of its own
    // width (a panel, a button) may then be wider than the box, and break, as reflow allows.
    if (parseFloat(getComputedStyle(document.documentElement).fontSize) > 17) return out;
    const hidden = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden' || (cs.clip !== 'auto' && cs.clip !== '') || cs.clipPath !== 'none') return true;
        const r = e.getBoundingClientRect();
        if (cs.overflow === 'hidden' && (r.width <= 2 || r.height <= 2)) return true;
      }
      return false;
    };
    /** The widest a line of `el`'s text could be: the content box of the page's part it is in (main, header...), not of a box squeezed inside it. */
    const lineWidth = (el: Element) => {
      const part = el.closest('main, header, footer, nav, dialog') ?? document.body;
      const cs = getComputedStyle(part);
      return part.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    };
    // A word: 2 to 16 letters (any alphabet) between spaces, with its punctuation and a
    // possessive; not part of an address, an
    // email or a name typed without spaces, which may wrap anywhere.
    const token = /(?<=^|\s)[(“‘"']?(\p{L}{2,16})(?:[’']s)?[’'"”),.;:!?…–—]*(?=\s|$)/gu;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let n = walker.nextNode(); n && seen < 5_000 && out.length < 10; n = walker.nextNode()) {
      const text = n.nodeValue ?? '';
      const parent = n.parentElement;
      if (!parent || !text.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION', 'TEXTAREA'].includes(parent.tagName)) continue;
      seen++;
      for (const m of text.matchAll(token)) {
        const at = m.index + m[0].indexOf(m[1]!);
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + m[1]!.length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        if (new Set(rects.map((r) => Math.round(r.top))).size <= 1) continue;
        // Broken because it is wider than any line there could be (a long word in very large text): allowed.
        const width = rects.reduce((w, r) => w + r.width, 0);
        if (width > lineWidth(parent) + 1 || getComputedStyle(parent).wordBreak === 'break-all' || hidden(parent)) continue;
        out.push(`"${m[1]}" in <${parent.tagName.toLowerCase()}${parent.className ? ` class="${parent.className}"` : ''}> "${text.trim().slice(0, 60)}"`);
        break;
      }
    }
    return out;
  });
  if (broken.length) throw new Error(`words broken across lines on ${what} (at ${page.viewportSize()?.width ?? '?'} px): ${broken.join('; ')}`);
}

/**
 * Runs axe-core (WCAG 2.0/2.1/2.2 A and AA, plus best practices) on the page and throws an
 * error listing every violation and the elements it was found on.
 */
export async function expectNoAxeViolations(page: Page, what = page.url()) {
  await injectAxe(page);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations;
  })) as AxeViolation[];
  // Every page checked with axe is checked for this too (axe has no rule for it).
  await expectStackedLabelsMatchHeaders(page, what);
  if (violations.length) {
    const lines = violations.map((v) => `- ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]\n${v.nodes.map((n) => `    at ${JSON.stringify(n.target)}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join('\n')}`);
    throw new Error(`axe-core found ${violations.length} accessibility violation(s) on ${what}:\n${lines.join('\n')}`);
  }
}

/**
 * On a narrow screen a `table.stack` shows each cell under the label in its `data-label`
 * (styles.css); that label must be the column's header, or the two widths name one column
 * differently. Rows with merged cells are left out.
 */
export async function expectStackedLabelsMatchHeaders(page: Page, what = page.url()) {
  const mismatches = await page.evaluate(() => {
    const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();
    const out: string[] = [];
    for (const table of document.querySelectorAll('table.stack')) {
      const headers = [...table.querySelectorAll('thead tr:last-child th')].map(text);
      for (const row of table.querySelectorAll('tbody tr')) {
        const cells = [...row.children];
        if (cells.some((c) => (c as HTMLTableCellElement).colSpan > 1)) continue;
        cells.forEach((cell, i) => {
          const label = cell.getAttribute('data-label');
          if (label !== null && label !== headers[i]) out.push(`"${label}" under the header "${headers[i] ?? '(none)'}"`);
        });
      }
    }
    return [...new Set(out)];
  });
  if (mismatches.length) throw new Error(`stacked table cells labelled otherwise than their column on ${what}: ${mismatches.join('; ')}`);
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element has the accessible-ish name
 * `name` (its text, aria-label or label), failing after `max` presses; a collapsed menu
 * button in the main navigation met on the way is opened. Keyboard-only tests use this
 * instead of clicking.
 */
export async function tabTo(page: Page, name: string | RegExp, { max = 60, back = false } = {}) {
  const matches = (s: string) => (typeof name === 'string' ? s.trim() === name : name.test(s));
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const { label, collapsedMenu } = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { label: '', collapsedMenu: false };
      const labelled = el.getAttribute('aria-label') ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null);
      return { label: (labelled ?? el.textContent ?? '').replace(/\s+/g, ' '), collapsedMenu: el.closest('nav') !== null && el.getAttribute('aria-expanded') === 'false' };
    });
    if (matches(label)) return;
    // On a narrow screen the main links sit behind a Menu button: open it, as a person would.
    if (collapsedMenu) await page.keyboard.press('Enter');
  }
  throw new Error(`Tab did not reach ${String(name)} within ${max} presses`);
}

/** Presses Enter on the control Tab reaches by this name (see tabTo). */
export async function activate(page: Page, name: string | RegExp, opts: { back?: boolean; max?: number } = {}) {
  await tabTo(page, name, opts);
  await page.keyboard.press('Enter');
}

/**
 * Tabs to the field named `label` (see tabTo; `back` to go backwards), selects what it holds
 * and types `text` in its place, as a keyboard user would.
 */
export async function typeInto(page: Page, label: string | RegExp, text: string, { back = false }: { back?: boolean } = {}) {
  await tabTo(page, label, { back });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** A phone-sized viewport, 320 CSS px wide: pages must reflow to it without sideways scrolling (WCAG 1.4.10). */
export const NARROW = { viewport: { width: 320, height: 720 } };

/** An ISO instant `days` from now at `hourUtc`:00 UTC, for sessions the browser sees as upcoming. */
export function daysFromNow(days: number, hourUtc = 15): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
}
export const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/**
 * Books `who` onto a session already under way as they would have before it began (the
 * server's clock set back to ten minutes before its start for the one request): once too
 * little of a session is left to attend enough of it, booking it is refused.
 */
export async function bookBeforeStart(t: TestContext, session: { id: string } & Record<string, unknown>, who: TestUser, body: Record<string, unknown> = {}) {
  if (typeof session.startsAt !== 'string') throw new Error('bookBeforeStart needs the session as the API gave it (with startsAt)');
  const now = t.clock.now().toISOString();
  t.clock.set(plusMinutes(session.startsAt, -10));
  try {
    return await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: who, body });
  } finally {
    t.clock.set(now);
  }
}

/** Waits (briefly) until the focused element matches `selector`; fails with what has focus instead. */
export async function expectFocused(page: Page, selector: string, timeout = 3000) {
  try {
    await page.waitForFunction((sel) => document.activeElement?.matches(sel) ?? false, selector, { timeout });
  } catch {
    const actual = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.className ? ` class="${el.className}"` : ''}>` : 'nothing';
    });
    throw new Error(`expected focus on ${selector}, but ${actual} has it`);
  }
}

/** The API requests a page makes from now on, as paths with their queries (decoded), in order. */
export function apiRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) seen.push(decodeURIComponent(u.pathname + u.search));
  });
  return seen;
}
