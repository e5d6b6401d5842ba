/**
 * Hostile input on purpose: SQL metacharacters in every text field of the main create
 * routes, calendar line/property injection, spreadsheet formula injection, and the limits
 * (body size, field length, page size, sign-in attempts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, TEST_PASSWORD, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const NASTY = ["'; drop table users; --", '100% sure', 'under_score', 'back\\slash', `it's "quoted" \\' %_`];

describe('SQL metacharacters round-trip unchanged', () => {
  it('in organisation, person, course and session text fields, and break nothing', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    for (const text of NASTY) {
      const org = await t.request('POST', '/api/orgs', { as: admin, body: { name: `School ${text}` } });
      expect(org.status, org.text).toBe(201);
      expect(org.json.name).toBe(`School ${text}`);

      const person = await t.request('POST', '/api/users', { as: admin, body: { email: `o'neil_${NASTY.indexOf(text)}@example.org`, name: `Pat ${text}`, role: 'staff', orgId: org.json.id } });
      expect(person.status, person.text).toBe(201);
      expect(person.json).toMatchObject({ name: `Pat ${text}`, email: `o'neil_${NASTY.indexOf(text)}@example.org` });

      const course = await t.request('POST', '/api/courses', { as: trainer, body: { title: `Course ${text}`, description: `About ${text}` } });
      expect(course.status, course.text).toBe(201);
      expect(course.json).toMatchObject({ title: `Course ${text}`, description: `About ${text}` });

      const session = await t.request('POST', '/api/sessions', {
        as: trainer,
        body: { title: `Session ${text}`, description: `Notes ${text}`, courseId: course.json.id, mode: 'in_person', venue: `Room ${text}`, startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { inPerson: 5 } },
      });
      expect(session.status, session.text).toBe(201);
      const again = await t.request('GET', `/api/sessions/${session.json.id}`, { as: trainer });
      expect(again.json).toMatchObject({ title: `Session ${text}`, description: `Notes ${text}`, venue: `Room ${text}` });

      const people = await t.request('GET', `/api/orgs/${org.json.id}/users`, { as: admin });
      expect(people.json.items.map((u: { name: string }) => u.name)).toEqual([`Pat ${text}`]);
    }
    // `%` and `_` are not wildcards anywhere: filtering the outbox by an address finds exactly it.
    const outbox = await t.request('GET', `/api/outbox?to=${encodeURIComponent('%')}`, { as: admin });
    expect(outbox.status).toBe(200);
    expect(outbox.json.items).toEqual([]);
    // Every table still there and whole.
    expect((await t.db.selectFrom('users').select('id').execute()).length).toBe(2 + NASTY.length);
    expect((await t.db.selectFrom('organisations').select('id').execute()).length).toBe(NASTY.length);
    expect((await t.db.selectFrom('sessions').select('id').execute()).length).toBe(NASTY.length);
  });

  it('in captions, register notes and cancellation reasons', async () => {
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    const admin = await t.user('admin');
    t.clock.set('2026-02-10T16:10:00.000Z'); // the session is under way
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:30:00Z', capacity: { inPerson: 5, online: 5 } }, trainer);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'in_person' } });
    expect(b.status, b.text).toBe(201);
    const text = NASTY.join(' | ');
    const caption = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: trainer, body: { segmentId: 'seg-1', text, final: true } });
    expect(caption.status, caption.text).toBe(200);
    expect(caption.json.text).toBe(text);
    const note = NASTY[0]! + NASTY[4]!;
    // Marked absent: a session the register says anyone attended cannot be cancelled (below).
    const mark = await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: trainer, body: { attended: false, note } });
    expect(mark.status, mark.text).toBe(200);
    const history = await t.request('GET', `/api/sessions/${s.id}/attendance/${b.json.id}/history`, { as: admin });
    expect(history.json.items.map((i: { note: string | null }) => i.note)).toContain(note);
    const reason = `Closed: ${NASTY[1]} ${NASTY[3]}`;
    const cancelled = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: { reason } });
    expect(cancelled.status, cancelled.text).toBe(200);
    const [mail] = await t.mails('session_cancelled');
    expect(mail!.message.text).toContain(reason);
    expect((await t.db.selectFrom('users').select('id').execute()).length).toBe(3);
  });

  it('as path parameters and query values: a clean 4xx or an empty answer, never a match', async () => {
    const admin = await t.user('admin');
    await t.session();
    for (const text of NASTY) {
      for (const p of [`/api/sessions/${encodeURIComponent(text)}`, `/api/bookings/${encodeURIComponent(text)}`, `/api/orgs/${encodeURIComponent(text)}/users`]) {
        const res = await t.request('GET', p, { as: admin });
        expect([400, 404], `${p} → ${res.status}`).toContain(res.status);
      }
      const list = await t.request('GET', `/api/sessions?courseId=${encodeURIComponent(text)}`, { as: admin });
      expect(list.status).toBe(200);
      expect(list.json.items).toEqual([]);
    }
  });
});

describe('calendar and spreadsheet injection', () => {
  it('a description that tries to close the event and start another stays one escaped property', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const attack = 'Bring a laptop.\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected\r\nDTSTART:20260101T000000Z\nATTENDEE:mailto:evil@example.org';
    const s = await t.session({ title: 'Title; with, specials: and \\ backslash', description: attack });
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} });
    const ics = await t.request('GET', `/api/bookings/${b.json.id}/invite.ics`, { as: staff });
    expect(ics.status).toBe(200);
    const vcal = new ICAL.Component(ICAL.parse(ics.text));
    const events = vcal.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    expect(events[0]!.getFirstPropertyValue('summary')).toBe('Title; with, specials: and \\ backslash');
    expect(String(events[0]!.getFirstPropertyValue('description'))).toContain('END:VEVENT');
    expect(events[0]!.getAllProperties('attendee').map((p) => String(p.getFirstValue()))).not.toContain('mailto:evil@example.org');
    expect(ics.text).not.toMatch(/^SUMMARY:Injected/m);
    expect(ics.text).not.toMatch(/^ATTENDEE:mailto:evil/m);
  });

  it('titles cannot carry line breaks at all (400), so no property can be smuggled through them', async () => {
    const trainer = await t.user('trainer');
    const res = await t.request('POST', '/api/sessions', { as: trainer, body: { title: 'Autism\r\nATTENDEE:mailto:evil@example.org', mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
  });

  it('text-direction controls that would make a name or title read as something else are refused (400), and nothing is stored; right-to-left text is kept', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const org = await t.org();
    const session = (title: string) => ({ title, mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } });
    // RLO...PDF shows "Autism and ADHD" stored as "Autism and DHDA": an override, an embedding
    // and an isolate, each on a title, a person's name and a description.
    for (const control of ['\u202e', '\u202b', '\u2067', '\u2069']) {
      const title = await t.request('POST', '/api/sessions', { as: trainer, body: session(`Autism and ${control}DHDA\u202c`) });
      expect(title.status, title.text).toBe(400);
      expect(title.json.error.code).toBe('validation_failed');
      expect(title.text).toContain('text-direction');
      const described = await t.request('POST', '/api/sessions', { as: trainer, body: { ...session('Autism'), description: `Bring ${control}potpal a` } });
      expect(described.status, described.text).toBe(400);
      const person = await t.request('POST', '/api/users', { as: admin, body: { email: 'rlo@example.org', name: `Sam ${control}nosnhoJ`, role: 'staff', orgId: org.id } });
      expect(person.status, person.text).toBe(400);
    }
    expect((await t.request('GET', '/api/sessions?limit=200', { as: trainer })).json.items).toEqual([]);
    const people = await t.request('GET', '/api/users?q=rlo%40example.org', { as: admin });
    expect(people.status).toBe(200);
    expect(people.json.items).toEqual([]);
    // Arabic and Hebrew need no controls; the marks that place a digit or bracket are allowed.
    const rtl = await t.request('POST', '/api/sessions', { as: trainer, body: session('\u0627\u0644\u062a\u0648\u062d\u062f \u200f(SEND)\u200f 2') });
    expect(rtl.status, rtl.text).toBe(201);
    expect(rtl.json.title).toBe('\u0627\u0644\u062a\u0648\u062d\u062f \u200f(SEND)\u200f 2');
    const hebrew = await t.request('POST', '/api/users', { as: admin, body: { email: 'he@example.org', name: '\u05e9\u05e8\u05d4 \u05dc\u05d5\u05d9', role: 'staff', orgId: org.id } });
    expect(hebrew.status, hebrew.text).toBe(201);
    expect(hebrew.json.name).toBe('\u05e9\u05e8\u05d4 \u05dc\u05d5\u05d9');
  });

  it('a title with a Unicode line or paragraph separator, or a C1 control such as NEL, is refused (400)', async () => {
    const trainer = await t.user('trainer');
    for (const sep of ['\u2028', '\u2029', '\u0085']) {
      const res = await t.request('POST', '/api/sessions', { as: trainer, body: { title: `Autism${sep}ATTENDEE:mailto:evil@example.org`, mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } } });
      expect(res.status, JSON.stringify(sep)).toBe(400);
    }
  });

  it('names that start a spreadsheet formula are neutralised in the bookings CSV', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const office = await t.user('office', org.id);
    const s = await t.session({ title: '=HYPERLINK("http://evil.example/","click")' });
    const formulas = ['=1+2', '+SUM(A1:A9)', '-2+3', '@cmd', '=cmd|"/c calc"!A1'];
    for (const [i, name] of formulas.entries()) {
      const u = await t.request('POST', '/api/users', { as: admin, body: { email: `f${i}@example.org`, name, role: 'staff', orgId: org.id } });
      expect(u.status, u.text).toBe(201);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: u.json.id } })).status).toBe(201);
    }
    const csv = await t.request('GET', `/api/orgs/${org.id}/bookings.csv`, { as: office });
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const cells = rows.slice(1).flat();
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect(cell, `cell ${JSON.stringify(cell)} starts a formula`).not.toMatch(/^[=+\-@\t\r]/);
    for (const name of formulas) expect(cells).toContain(`'${name}`);
  });
});

describe('limits', () => {
  it('a body over the limit is 413 on JSON and on file uploads, and nothing is stored', async () => {
    const admin = await t.user('admin');
    const org = await t.org();
    const big = 'x'.repeat(1024 * 1024 + 1);
    const json = await t.request('POST', '/api/courses', { as: admin, body: JSON.stringify({ title: 'Big', description: big }) });
    expect(json.status).toBe(413);
    expect(json.json.error.code).toBe('payload_too_large');
    const csv = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: admin, body: `name,email,role\n${'a'.repeat(1024 * 1024)},a@example.org,staff\n`, headers: { 'content-type': 'text/csv' } });
    expect(csv.status).toBe(413);
    expect(await t.db.selectFrom('courses').select('id').execute()).toEqual([]);
  });

  it('over-long fields are 400 with the field named', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/orgs', { name: 'n'.repeat(201) }, 'name'],
      ['POST', '/api/courses', { title: 't'.repeat(201) }, 'title'],
      ['POST', '/api/courses', { title: 'ok', description: 'd'.repeat(10_001) }, 'description'],
      ['POST', '/api/sessions', { title: 't'.repeat(201), mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } }, 'title'],
      ['POST', '/api/users', { email: `${'e'.repeat(250)}@example.org`, name: 'x', role: 'trainer' }, 'email'],
    ];
    for (const [method, p, body, field] of cases) {
      const res = await t.request(method, p, { as: p === '/api/orgs' || p === '/api/users' ? admin : trainer, body });
      expect(res.status, `${p} ${field}`).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    expect(await t.db.selectFrom('courses').select('id').execute()).toEqual([]);
  });

  it('list page size above 200 is 400; 200 is fine', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const admin = await t.user('admin');
    expect((await t.request('GET', '/api/sessions?limit=200', { as: staff })).status).toBe(200);
    for (const q of ['limit=201', 'limit=100000', 'limit=0', 'limit=-1', 'offset=-1', 'limit=abc']) {
      const res = await t.request('GET', `/api/sessions?${q}`, { as: staff });
      expect(res.status, q).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
    expect((await t.request('GET', '/api/outbox?limit=501', { as: admin })).status).toBe(400);
  });

  it('sign-in is refused with 429 and Retry-After after repeated failures, even with the right password', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const bystander = await t.user('staff', (await t.org()).id);
    for (let i = 0; i < 5; i++) {
      const res = await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: `wrong ${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another person is not affected, and the window passes.
    expect((await t.request('POST', '/api/auth/login', { body: { email: bystander.email, password: TEST_PASSWORD } })).status).toBe(200);
    t.clock.advance(16 * 60_000);
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).status).toBe(200);
  });
});

describe('security headers', () => {
  const checkHeaders = (h: Headers, where: string, https: boolean) => {
    const csp = h.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('default-src'));
    expect(scriptSrc, `${where}: script-src`).toBeTruthy();
    expect(scriptSrc, `${where}: script-src`).not.toContain('unsafe-inline');
    expect(scriptSrc, `${where}: script-src`).not.toContain('unsafe-eval');
    expect(csp, where).toContain("frame-ancestors 'none'");
    expect(csp, where).toContain("object-src 'none'");
    expect(h.get('x-content-type-options'), where).toBe('nosniff');
    if (https) expect(h.get('strict-transport-security'), where).toMatch(/max-age=\d{7,}/);
    else expect(h.get('strict-transport-security'), where).toBeNull();
  };

  for (const https of [false, true]) {
    it(`on every page and API answer (PUBLIC_URL ${https ? 'https: with HSTS' : 'http: without HSTS'})`, async () => {
      const webRoot = mkdtempSync(path.join(os.tmpdir(), 'send-web-'));
      writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>SEND Live Training</title><script type="module" src="/assets/app.js"></script>');
      mkdirSync(path.join(webRoot, 'assets'));
      writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'document.title = "SEND Live Training";');
      const ctx = await makeTestContext({ config: { webRoot, publicUrl: https ? 'https://training.example.org' : 'http://localhost:3000' } });
      try {
        const staff = await ctx.user('staff', (await ctx.org()).id);
        const s = await ctx.session();
        const b = await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} });
        const answers: [string, string, Record<string, unknown>][] = [
          ['GET', '/', {}],
          ['GET', '/sessions', {}],
          ['GET', '/assets/app.js', {}],
          ['GET', '/assets/missing.js', {}],
          ['GET', `/sessions/${s.id}`, {}],
          ['GET', '/api/docs', {}],
          ['GET', '/api/health', {}],
          ['GET', '/api/openapi.json', {}],
          ['GET', '/api/me', {}], // 401
          ['GET', '/api/me', { as: staff }],
          ['GET', '/api/no-such-route', {}], // 404
          ['POST', '/api/orgs', { as: staff, body: { name: 'x' } }], // 403
          ['POST', '/api/orgs', { as: staff, body: '{' }], // 400
          ['GET', `/api/bookings/${b.json.id}/invite.ics`, { as: staff }],
          ['GET', '/api/me/bookings', { as: staff }],
        ];
        for (const [method, p, opts] of answers) {
          const res = await ctx.request(method, p, opts);
          checkHeaders(res.headers, `${method} ${p} (${res.status})`, https);
        }
        const page = await ctx.request('GET', '/');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/text\/html/);
      } finally {
        await ctx.close();
        rmSync(webRoot, { recursive: true, force: true });
      }
    });
  }
});
