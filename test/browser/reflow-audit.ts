/**
 * The reflow audit (test/browser/reflow-audit-*.test.ts): reflow, text spacing, resized text,
 * focus not obscured and target size (WCAG 2.2 AA 1.4.10, 1.4.12, 1.4.4, 2.4.11, 2.5.8) with
 * realistic long content, what axe does not check. `layoutProblems` looks at element boxes, not
 * just the page's scroll width: nothing beyond the screen's edges, no text cut off by a box that
 * hides its overflow, no two controls or text boxes on top of each other, every control at least
 * 24 by 24 CSS px (or spaced as if it were). `focusProblems` tabs through the page and checks
 * that what has focus is on screen and on top. `auditPages` runs both on a list of pages in
 * every mode. The pages are split over several test files so that both test workers share them.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { daysFromNow, newPage, plusMinutes, settled, signInAt, type TestServer } from './harness.js';

/** The text-spacing bookmarklet's styles (WCAG 1.4.12's own numbers). */
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;
/** Text at 200% without page zoom (WCAG 1.4.4): every rem and em doubles, the layout width stays. */
const TEXT_200 = `html { font-size: 200% !important; }`;

/** The ways a page is looked at: each is a viewport (and scale) plus styles injected. */
export const MODES = [
  { name: '320 px', viewport: { width: 320, height: 720 }, css: '' },
  { name: '1280 px at 400% zoom', viewport: { width: 320, height: 256 }, deviceScaleFactor: 4, css: '' },
  { name: '320 px with text spacing', viewport: { width: 320, height: 720 }, css: TEXT_SPACING },
  { name: '1280 px with text spacing', viewport: { width: 1280, height: 900 }, css: TEXT_SPACING },
  { name: '1280 px with text at 200%', viewport: { width: 1280, height: 900 }, css: TEXT_200 },
] as const;
/**
 * Text at 200% on a 320 px screen (a phone with its largest text setting): beyond WCAG's own
 * pair of checks, so it is asked of the pages listed with it (the trainer's My sessions cards).
 */
export const TEXT_200_AT_320 = { name: '320 px with text at 200%', viewport: { width: 320, height: 720 }, css: TEXT_200 } as const;
export type Mode = (typeof MODES)[number] | typeof TEXT_200_AT_320;

/**
 * What is wrong with the layout as the page stands, in words (an empty list when nothing is):
 * - the page scrolls sideways;
 * - an element (not visually hidden, not inside a box that scrolls) reaches past either edge of the screen;
 * - a box that hides its overflow has cut off text (its content is bigger than the box);
 * - two controls, or two pieces of text, overlap (neither holds the other);
 * - a control is under 24 by 24 CSS px with another control within the 24 px circle around it
 *   (WCAG 2.5.8's spacing test), links inside a sentence excepted.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    const describe = (el: Element) => {
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}>${text ? ` "${text}"` : ''}`;
    };
    const hidden = (el: Element): boolean => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden') return true;
        // The content of a closed <details> is laid out but not shown.
        if (e.parentElement?.tagName === 'DETAILS' && !(e.parentElement as HTMLDetailsElement).open && e.tagName !== 'SUMMARY') return true;
        if (e.classList.contains('visually-hidden') || e.classList.contains('skip-link') || e.classList.contains('room-audio')) return true;
        if (cs.clip === 'rect(0px, 0px, 0px, 0px)' || cs.clipPath === 'inset(50%)') return true;
      }
      return false;
    };
    /** Inside a box that scrolls on its own (a wide table's .table-wrap, a chat log): allowed past the screen's edge. */
    const inScroller = (el: Element) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') return true;
      }
      return false;
    };
    if (document.documentElement.scrollWidth > vw) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${vw} px`);

    const all = [...document.body.querySelectorAll('*')].filter((el) => !hidden(el) && !['SCRIPT', 'STYLE', 'BR', 'OPTION'].includes(el.tagName));
    for (const el of all) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if ((r.right > vw + 1 || r.left < -1) && !inScroller(el)) out.push(`${describe(el)} reaches past the screen (${Math.round(r.left)} to ${Math.round(r.right)} of ${vw} px)`);
      const cs = getComputedStyle(el);
      const clips = (v: string) => v === 'hidden' || v === 'clip';
      if ((clips(cs.overflowX) || clips(cs.overflowY)) && (el.textContent ?? '').trim()) {
        const he = el as HTMLElement;
        if ((clips(cs.overflowX) && he.scrollWidth > he.clientWidth + 1) || (clips(cs.overflowY) && he.scrollHeight > he.clientHeight + 1)) out.push(`${describe(el)} cuts off its text (content ${he.scrollWidth}x${he.scrollHeight} in a ${he.clientWidth}x${he.clientHeight} box)`);
      }
      // Text in a form field that does not fit it (a readonly address, say) is cut off: it cannot wrap.
      if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.readOnly && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
        out.push(`${describe(el)} shows only part of its text "${el.value.slice(0, 60)}" (${el.scrollWidth}x${el.scrollHeight} px in ${el.clientWidth}x${el.clientHeight} px)`);
    }

    // Overlaps between controls and between text-bearing boxes.
    const CONTROL = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const BOXES = `${CONTROL}, .badge, label, h1, h2, h3, h4, p, li, dt, dd, th, td, caption, legend, kbd, img, svg, video, code, strong`;
    const boxes = all.filter((el) => el.matches(BOXES));
    const rectsOf = (el: Element) => [...el.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    const rects = new Map(boxes.map((el) => [el, rectsOf(el)]));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.contains(b) || b.contains(a)) continue;
        const hit = rects.get(a)!.some((ra) => rects.get(b)!.some((rb) => Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 2 && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2));
        if (hit) out.push(`${describe(a)} overlaps ${describe(b)}`);
      }
    }

    // Target size (2.5.8): under 24x24 is allowed only with a clear 24 px circle, or inside a sentence.
    const controls = all.filter((el) => el.matches(CONTROL) && !el.matches('[role=region]'));
    const inSentence = (el: Element) => {
      if (getComputedStyle(el).display !== 'inline') return false;
      const block = el.parentElement!;
      return [...block.childNodes].some((n) => n !== el && (n.nodeType === Node.TEXT_NODE ? (n.textContent ?? '').trim().length > 1 : getComputedStyle(n as Element).display === 'inline' && !(n as Element).matches(CONTROL)));
    };
    const centre = (r: DOMRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.width >= 24 && r.height >= 24) continue;
      if (inSentence(el)) continue;
      const c = centre(r);
      // The 24 px circle round its centre must not meet another control's box, nor its circle when that one is small too.
      for (const other of controls) {
        if (other === el || other.contains(el) || el.contains(other)) continue;
        const o = other.getBoundingClientRect();
        if (o.width === 0 || o.height === 0) continue;
        const dx = Math.max(o.left - c.x, 0, c.x - o.right);
        const dy = Math.max(o.top - c.y, 0, c.y - o.bottom);
        const small = o.width < 24 || o.height < 24;
        const oc = centre(o);
        if (Math.hypot(dx, dy) < 12 || (small && !inSentence(other) && Math.hypot(oc.x - c.x, oc.y - c.y) < 24)) {
          out.push(`${describe(el)} is ${Math.round(r.width)}x${Math.round(r.height)} px, too close to ${describe(other)}`);
          break;
        }
      }
    }
    return [...new Set(out)];
  });
}

/**
 * Opens a new page in `mode` with its styles injected at every navigation. The app's
 * Content-Security-Policy (style-src 'self') refuses an injected <style>, as it should a
 * page's own, so the page is opened with CSP bypassed, as a reader's own style sheet or
 * extension is; `expectModeApplied` checks that the styles took.
 */
export async function pageIn(env: { browser: Browser; server: TestServer }, mode: Mode, opts: Parameters<typeof newPage>[2] = {}) {
  const page = await newPage(env.browser, env.server, { ...opts, viewport: mode.viewport, deviceScaleFactor: 'deviceScaleFactor' in mode ? mode.deviceScaleFactor : 1, ...(mode.css ? { bypassCSP: true } : {}) });
  if (mode.css) await page.addInitScript((css) => {
    const add = () => {
      const style = document.createElement('style');
      style.dataset['audit'] = 'mode';
      style.textContent = css;
      document.head.appendChild(style);
    };
    if (document.head) add();
    else document.addEventListener('DOMContentLoaded', add);
  }, mode.css);
  return page;
}

/** Fails unless the mode's injected styles are in force on the page (a refused <style> would leave the plain page). */
export async function expectModeApplied(page: Page, mode: Mode) {
  if (!mode.css) return;
  const rules = await page.evaluate(() => document.querySelector<HTMLStyleElement>('style[data-audit="mode"]')?.sheet?.cssRules.length ?? 0);
  expect(rules, `the styles of "${mode.name}" are not in force on ${page.url()}`).toBeGreaterThan(0);
}

/**
 * Tabs through the page from the top (up to `max` stops) and lists each focused element that is
 * hidden: off the screen, or with something else on top of its centre (a sticky or fixed bar).
 */
export async function focusProblems(page: Page, max = 80): Promise<string[]> {
  const out: string[] = [];
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  let first: unknown = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const box = el.getBoundingClientRect();
      const key = el.outerHTML.slice(0, 120);
      const name = `<${el.tagName.toLowerCase()}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50)}"`;
      const vh = window.innerHeight;
      const vw = document.documentElement.clientWidth;
      if (box.bottom <= 0 || box.top >= vh || box.right <= 0 || box.left >= vw) return { key, problem: `${name} has focus but is off the screen` };
      const x = Math.min(Math.max(box.left + box.width / 2, 0), vw - 1);
      const y = Math.min(Math.max(box.top + box.height / 2, 0), vh - 1);
      const top = document.elementFromPoint(x, y);
      if (top && !el.contains(top) && !top.contains(el) && !(el.id && top.closest(`label[for="${CSS.escape(el.id)}"]`))) return { key, problem: `${name} has focus but is under <${top.tagName.toLowerCase()} class="${top.className}">` };
      return { key, problem: null };
    });
    if (!r) continue;
    if (r.key === first) break;
    first ??= r.key;
    if (r.problem) out.push(r.problem);
  }
  return out;
}

export type Step = { name: string; run: (p: Page) => Promise<void> };
/** Presses the button (or follows the link) named `name`, then lets the page settle. */
export const press = (name: string | RegExp, role: 'button' | 'link' = 'button'): Step => ({
  name: `after pressing ${String(name)}`,
  run: async (p) => {
    await p.getByRole(role, { name }).first().click();
    await settled(p);
  },
});
/** At 320 px the main links are behind the Menu button: open it, and the open menu is checked too. */
const openMenu: Step = {
  name: 'with the menu open',
  run: async (p) => {
    const menu = p.getByRole('button', { name: 'Menu' });
    if (await menu.isVisible()) await menu.click();
  },
};

/**
 * Checks each of `pages` in every mode: as it opens (focus too, by Tab), then after each of its
 * steps (a question opened, an error shown), listing every problem found at the end.
 */
export async function auditPages(env: { browser: Browser; server: TestServer }, who: { email: string }, pages: { path: string; heading: string | RegExp; steps?: Step[] }[], modes: readonly Mode[] = MODES, launchOpts = {}) {
  const found: string[] = [];
  for (const mode of modes) {
    const page = await pageIn(env, mode, launchOpts);
    for (const [i, { path, heading, steps = [] }] of pages.entries()) {
      if (i === 0) await signInAt(page, who, path);
      else await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await settled(page);
      await expectModeApplied(page, mode);
      const where = (state: string) => `${path} at ${mode.name}${state}`;
      for (const p of await layoutProblems(page)) found.push(`${where('')}: ${p}`);
      for (const p of await focusProblems(page)) found.push(`${where(' (Tab)')}: ${p}`);
      for (const step of [openMenu, ...steps]) {
        await step.run(page);
        for (const p of await layoutProblems(page)) found.push(`${where(`, ${step.name}`)}: ${p}`);
      }
    }
    await page.context().close();
  }
  expect(found, `problems found:\n${found.join('\n')}`).toEqual([]);
}


export const LONG_TITLE = 'Supporting pupils with autism spectrum condition (ASC), ADHD and sensory processing differences in mainstream secondary classrooms: practical strategies for teaching assistants';
export const LONG_VENUE = 'Conference Room 3, Second Floor, St Bartholomew’s Church of England Voluntary Aided Primary School and Nursery, Wolverhampton Road, Stafford ST17 4AW';
const GUIDE_URL = 'https://www.example.org/resources/send/autism-spectrum-condition-classroom-strategies-guide.pdf';
export const LONG_ORG = 'The Kingfisher Learning Partnership Multi-Academy Trust: Riverside Community Primary School';
export const LONG_NAME = 'Alexandra Montgomery-Fitzwilliam-Richardson';
export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/**
 * A trust and 60 schools with long names (three in the trust), an administrator, an office
 * person and 52 staff at the second school (more than a page of each), and a session a
 * trainer runs: what the pages that find organisations and people a page at a time need.
 */
export async function manyOrgsAndPeople(t: TestServer['t']) {
  const now = t.clock.now().toISOString();
  const trust = { id: randomUUID(), name: `${LONG_ORG} Trust` };
  const rows = [
    { id: trust.id, name: trust.name, kind: 'trust' as const, urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: now },
    ...Array.from({ length: 60 }, (_, i) => ({ id: randomUUID(), name: `${LONG_ORG} ${String(i).padStart(2, '0')}`, kind: 'school' as const, urn: String(400000 + i), parent_id: i < 3 ? trust.id : null, time_zone: 'Europe/London', settings: '{}', created_at: now })),
  ];
  await t.db.insertInto('organisations').values(rows).execute();
  const school = rows[1]!;
  const admin = await t.user('admin');
  const office = await t.user('office', school.id, `${LONG_NAME} (office)`);
  for (let i = 0; i < 52; i++) await t.user('staff', school.id, `${LONG_NAME} ${String(i).padStart(2, '0')}`);
  const s = await t.session({ title: LONG_TITLE, startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 40 } });
  const person = (await t.request('GET', `/api/orgs/${school.id}/users?q=${encodeURIComponent(`${LONG_NAME} 00`)}`, { as: office })).json.items[0] as { id: string };
  return { school, admin, office, session: s, person };
}

/** A member of staff with one of each kind of booking, on sessions with long titles and venues, and a timetable. */
export async function staffWithBookings(t: TestServer['t']) {
  const org = await t.org(LONG_ORG);
  const staff = await t.user('staff', org.id, LONG_NAME);
  const trainer = await t.user('trainer', null, 'Dr Priya Ramanathan-Oyelaran');
  const other = await t.user('staff', org.id);
  const now = t.clock.now().toISOString();
  const description = `A practical session for teaching assistants and class teachers.\nRead the guide before you come: ${GUIDE_URL}`;
  const mk = (title: string, extra: Record<string, unknown>, days: number) => t.session({ title, description, startsAt: daysFromNow(days), endsAt: plusMinutes(daysFromNow(days), 90), ...extra }, trainer);
  const book = async (s: { id: string }, who = staff, body: Record<string, unknown> = {}) => {
    const r = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body });
    expect(r.status, r.text).toBe(201);
    return r.json as { id: string };
  };
  const online = await mk(`${LONG_TITLE} (online)`, { mode: 'online', capacity: { online: 30 } }, 3);
  const onlineBooking = await book(online);
  const inPerson = await mk(`${LONG_TITLE} (in person)`, { mode: 'in_person', venue: LONG_VENUE, capacity: { inPerson: 20 } }, 4);
  await book(inPerson);
  const hybrid = await mk(`${LONG_TITLE} (hybrid, full)`, { mode: 'hybrid', venue: LONG_VENUE, capacity: { inPerson: 1, online: 1 } }, 5);
  await book(hybrid, other, { seat: 'in_person' });
  await book(hybrid, await t.user('staff', org.id), { seat: 'online' });
  await book(hybrid, staff, { seat: 'in_person' });
  // An offer: the one seat is freed while the staff member waits for it.
  const offered = await mk(`${LONG_TITLE} (seat offered)`, { mode: 'in_person', venue: LONG_VENUE, capacity: { inPerson: 1 } }, 6);
  const taken = await book(offered, other);
  await book(offered);
  expect((await t.request('DELETE', `/api/bookings/${taken.id}`, { as: other })).status).toBeLessThan(300);
  // Not booked, with a choice of seat; and enough sessions for a second page of the list.
  const open = await mk(`${LONG_TITLE} (not booked)`, { mode: 'hybrid', venue: LONG_VENUE, capacity: { inPerson: 5, online: 5 } }, 7);
  for (let i = 0; i < 7; i++) await mk(`${LONG_TITLE} (part ${i + 2})`, { mode: 'online', capacity: { online: 30 } }, 10 + i);
  // Live now, booked online: "Join now".
  const live = await t.session({ title: `${LONG_TITLE} (live now)`, description, startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { online: 10 } }, trainer);
  await book(live);
  // A past session, attended.
  const startsAt = daysFromNow(-2);
  t.clock.set(plusMinutes(startsAt, -24 * 60));
  const past = await t.session({ title: `${LONG_TITLE} (attended)`, description, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } }, trainer);
  const attended = await book(past);
  t.clock.set(plusMinutes(startsAt, 80)); // the register, near the end
  expect((await t.request('PUT', `/api/sessions/${past.id}/attendance/${attended.id}`, { as: trainer, body: { attended: true, minutes: 88 } })).status).toBe(200);
  t.clock.set(now);
  await recordAttendanceOutcomes(t.deps);
  const r = await t.request('PUT', '/api/me/timetable', { as: staff, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 10 English Literature set 3 with Ms Okonkwo-Henderson (room S14)\nTuesday,13:00,15:00,Year 7 nurture group: social communication and interaction\n' });
  expect(r.status, r.text).toBe(200);
  return { staff, org, online, onlineBooking, inPerson, hybrid, offered, open, live };
}
