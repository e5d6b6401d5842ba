/**
 * Certificates of attendance: the PDF is read back with an independent parser (pdf.js) and
 * holds the name, session, course, minutes and code; only the attendee (and admins) can
 * download it; the public check says genuine with only what is printed, and not genuine for
 * a forged code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { newCertCode } from '../../server/certificates/service.js';
import { formatCertCode } from '../../shared/feedback.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z';

async function attended() {
  const admin = await t.user('admin');
  const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND foundations' } })).json;
  const s = await t.session({ title: 'Understanding autism', courseId: course.id, startsAt: START, endsAt: END });
  const org = await t.org();
  const book = async (name: string, attendedIt: boolean) => {
    const u = await t.user('staff', org.id, name);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} });
    await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: s.trainer, body: attendedIt ? { attended: true, minutes: 85 } : { attended: false } });
    return { ...u, bookingId: b.json.id as string } as TestUser & { bookingId: string };
  };
  const zoe = await book('Zoë Ní Bhriain', true);
  const absent = await book('Bob Smith', false);
  t.clock.set('2026-02-10T18:00:00.000Z');
  await recordAttendanceOutcomes(t.deps);
  return { admin, course, s, zoe, absent, org };
}

async function pdfText(bytes: Uint8Array) {
  const doc = await getDocument({ data: bytes.slice() }).promise; // pdf.js takes the buffer it is given
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
  const meta = (await doc.getMetadata()).info as Record<string, unknown>;
  const tree = await page.getStructTree();
  return { text, meta, tree, pages: doc.numPages };
}

async function download(bookingId: string, as: TestUser) {
  const res = await t.app.request(`/api/bookings/${bookingId}/certificate.pdf`, { headers: as.auth });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('certificate of attendance', () => {
  it('is a tagged PDF whose text holds the name, session, course, date, minutes and verification code', async () => {
    const { zoe } = await attended();
    const res = await download(zoe.bookingId, zoe);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="certificate-2026-02-10-understanding-autism.pdf"');
    const cert = await t.db.selectFrom('certificates').selectAll().executeTakeFirstOrThrow();
    expect(cert.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);

    const { text, meta, tree, pages } = await pdfText(res.bytes);
    expect(pages).toBe(1);
    for (const s of ['Certificate of attendance', 'Zoë Ní Bhriain', 'Understanding autism', 'SEND foundations', '10 February 2026', '85', formatCertCode(cert.code), `http://localhost:3000/verify/${formatCertCode(cert.code)}`]) expect(text).toContain(s);
    expect(meta.Title).toBe('Certificate of attendance: Zoë Ní Bhriain');
    expect(meta.Language).toBe('en-GB');
    // Tagged: a structure tree with a heading and paragraphs.
    const roles = JSON.stringify(tree);
    expect(roles).toContain('"role":"Document"');
    expect(roles).toContain('"role":"H1"');
    expect(roles).toContain('"role":"P"');
    // The font is embedded (DejaVu Sans), not a standard font the reader substitutes.
    expect(Buffer.from(res.bytes).toString('latin1')).toMatch(/\/FontFile2 /);
    expect(Buffer.from(res.bytes).toString('latin1')).toContain('DejaVuSans');

    // Downloading again gives the same certificate, not a second one.
    const again = await download(zoe.bookingId, zoe);
    expect((await pdfText(again.bytes)).text).toContain(formatCertCode(cert.code));
    expect(await t.db.selectFrom('certificates').selectAll().execute()).toHaveLength(1);
  });

  it('only the attendee and administrators can download it, and only after attending', async () => {
    const { zoe, absent, admin, org, s } = await attended();
    expect((await download(zoe.bookingId, admin)).status).toBe(200);
    for (const who of [absent, await t.user('office', org.id), s.trainer, await t.user('staff', org.id)]) expect((await download(zoe.bookingId, who)).status).toBe(404);
    const refused = await t.request('GET', `/api/bookings/${absent.bookingId}/certificate.pdf`, { as: absent });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('not_attendee');
    expect((await t.request('GET', `/api/bookings/${zoe.bookingId}/certificate.pdf`)).status).toBe(401);
    // The certificates list names the attended session only.
    const mine = await t.request('GET', '/api/me/certificates', { as: zoe });
    expect(mine.json.attendance).toEqual([{ bookingId: zoe.bookingId, sessionId: s.id, title: 'Understanding autism', startsAt: START, url: `/api/bookings/${zoe.bookingId}/certificate.pdf` }]);
    expect((await t.request('GET', '/api/me/certificates', { as: absent })).json.attendance).toEqual([]);
  });
});

describe('verifying a certificate', () => {
  it('says genuine and shows exactly what is printed; a forged or malformed code is not genuine', async () => {
    const { zoe, s } = await attended();
    await download(zoe.bookingId, zoe);
    const { code } = await t.db.selectFrom('certificates').select('code').executeTakeFirstOrThrow();
    for (const asTyped of [code, formatCertCode(code), formatCertCode(code).toLowerCase()]) {
      const res = await t.request('GET', `/api/certificates/${encodeURIComponent(asTyped)}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        status: 'genuine',
        certificate: { kind: 'attendance', code, name: 'Zoë Ní Bhriain', sessionTitle: 'Understanding autism', courseTitle: 'SEND foundations', date: '2026-02-10', minutes: 85 },
      });
      // Nothing that is not printed: no email, organisation, ids.
      expect(res.text).not.toMatch(new RegExp(`${zoe.email}|${zoe.id}|${s.id}|${zoe.bookingId}`));
    }
    let forged = newCertCode();
    while (forged === code) forged = newCertCode();
    for (const bad of [forged, `${code.slice(0, 15)}${code[15] === 'A' ? 'B' : 'A'}`, 'not-a-code', 'x'.repeat(64)]) {
      const res = await t.request('GET', `/api/certificates/${encodeURIComponent(bad)}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'unknown' });
    }
  });

  it('says withdrawn once the attendance it certified is corrected to absent', async () => {
    const { zoe, s } = await attended();
    await download(zoe.bookingId, zoe);
    const { code } = await t.db.selectFrom('certificates').select('code').executeTakeFirstOrThrow();
    await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: false, note: 'Left after ten minutes' } });
    expect((await t.request('GET', `/api/certificates/${code}`)).json).toEqual({ status: 'withdrawn' });
  });

  it('limits each client to 30 checks per 15 minutes', async () => {
    for (let i = 0; i < 30; i++) expect((await t.request('GET', `/api/certificates/${newCertCode()}`)).status).toBe(200);
    const refused = await t.request('GET', `/api/certificates/${newCertCode()}`);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await t.request('GET', `/api/certificates/${newCertCode()}`)).status).toBe(200);
  });
});

describe('course completion certificate', () => {
  it('is given once every required part is attended, says the course and completion date, and verifies', async () => {
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Whole-school SEND', partsRequired: 2 } })).json;
    const org = await t.org();
    const me = await t.user('staff', org.id, 'Ravi Patel');
    const other = await t.user('staff', org.id, 'Other Person');
    const attend = async (part: number, startsAt: string) => {
      const s = await t.session({ title: `Part ${part}`, courseId: course.id, part, startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() });
      const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} });
      await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: s.trainer, body: { attended: true, minutes: 60 } });
      return s;
    };
    await attend(1, '2026-02-10T16:00:00.000Z');
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    const notYet = await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: me });
    expect(notYet.status).toBe(403);
    expect(notYet.json.error.code).toBe('not_attendee');
    expect((await t.request('GET', '/api/me/certificates', { as: me })).json.courses).toEqual([]);

    t.clock.set('2026-02-01T09:00:00.000Z');
    await attend(2, '2026-02-17T16:00:00.000Z');
    t.clock.set('2026-02-17T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);

    expect((await t.request('GET', '/api/me/certificates', { as: me })).json.courses).toEqual([{ courseId: course.id, title: 'Whole-school SEND', completedOn: '2026-02-17', url: `/api/courses/${course.id}/certificate.pdf` }]);
    const res = await t.app.request(`/api/courses/${course.id}/certificate.pdf`, { headers: me.auth });
    expect(res.status).toBe(200);
    const { text, meta } = await pdfText(new Uint8Array(await res.arrayBuffer()));
    const cert = await t.db.selectFrom('certificates').selectAll().where('kind', '=', 'course').executeTakeFirstOrThrow();
    for (const s of ['Certificate of course completion', 'Ravi Patel', 'Whole-school SEND', '17 February 2026', formatCertCode(cert.code)]) expect(text).toContain(s);
    expect(meta.Title).toBe('Certificate of course completion: Ravi Patel');
    expect((await t.request('GET', `/api/certificates/${cert.code}`)).json).toEqual({
      status: 'genuine',
      certificate: { kind: 'course', code: cert.code, name: 'Ravi Patel', sessionTitle: null, courseTitle: 'Whole-school SEND', date: '2026-02-17', minutes: null },
    });
    // Someone else's: not for another member of staff; an administrator may ask for it by person.
    expect((await t.request('GET', `/api/courses/${course.id}/certificate.pdf?userId=${me.id}`, { as: other })).status).toBe(404);
    expect((await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: other })).status).toBe(403);
    const byAdmin = await t.app.request(`/api/courses/${course.id}/certificate.pdf?userId=${me.id}`, { headers: admin.auth });
    expect(byAdmin.status).toBe(200);
    expect((await pdfText(new Uint8Array(await byAdmin.arrayBuffer()))).text).toContain(formatCertCode(cert.code));
  });
});
