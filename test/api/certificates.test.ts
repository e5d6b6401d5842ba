/**
 * Certificates of attendance: the PDF is read back with an independent parser (pdf.js) and
 * holds the name, session, course, minutes and code; only the attendee (and admins) can
 * download it; the public check says genuine with only what is printed, and not genuine for
 * a forged code; once something it printed changes, its code is withdrawn and a new download
 * issues a new certificate with the facts as they now are.
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
/** Five minutes into a session starting at `startsAt`: its register (opened with check-in) can be ticked. */
const during = (startsAt: string) => new Date(Date.parse(startsAt) + 5 * 60_000).toISOString();

async function attended() {
  const admin = await t.user('admin');
  const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND foundations' } })).json;
  const s = await t.session({ title: 'Understanding autism', courseId: course.id, startsAt: START, endsAt: END });
  const org = await t.org();
  const book = async (name: string) => {
    const u = await t.user('staff', org.id, name);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} });
    return { ...u, bookingId: b.json.id as string } as TestUser & { bookingId: string };
  };
  const zoe = await book('Zoë Ní Bhriain');
  const absent = await book('Bob Smith');
  // The register opens with check-in: ticked once the session is under way.
  t.clock.set(during(START));
  const tick = (who: { bookingId: string }, body: object) => t.request('PUT', `/api/sessions/${s.id}/attendance/${who.bookingId}`, { as: s.trainer, body });
  expect((await tick(zoe, { attended: true, minutes: 85 })).status).toBe(200);
  expect((await tick(absent, { attended: false })).status).toBe(200);
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
  it('asked for between the end and the recording of attendance: refused saying when it can be downloaded; once recorded, given', async () => {
    const s = await t.session({ title: 'Quiet corners', startsAt: '2026-02-12T16:00:00.000Z', endsAt: '2026-02-12T17:00:00.000Z' });
    const amy = await t.user('staff', (await t.org()).id, 'Amy Early');
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: amy, body: {} })).json.id as string;
    t.clock.set('2026-02-12T16:05:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    // Ticked, and the session over: attendance is recorded 15 minutes after the end, and the refusal says when.
    t.clock.set('2026-02-12T17:02:00.000Z');
    const early = await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: amy });
    expect([early.status, early.json.error.code]).toEqual([403, 'not_attendee']);
    expect(early.json.error.message).toBe('A certificate of attendance is given once the session is over and your attendance is recorded: it can be downloaded from 17:15 GMT on Thursday, 12 February 2026, if you attended.');
    t.clock.set('2026-02-12T17:16:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect((await download(bookingId, amy)).status).toBe(200);
  });

  it('is a tagged PDF whose text holds the name, session, course, date, time, length, minutes and verification code', async () => {
    const { zoe } = await attended();
    const res = await download(zoe.bookingId, zoe);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=certificate-2026-02-10-understanding-autism.pdf');
    const cert = await t.db.selectFrom('certificates').selectAll().executeTakeFirstOrThrow();
    expect(cert.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);

    const { text, meta, tree, pages } = await pdfText(res.bytes);
    expect(pages).toBe(1);
    for (const s of ['Certificate of attendance', 'Zoë Ní Bhriain', 'Understanding autism', 'SEND foundations', '10 February 2026', '85', formatCertCode(cert.code), `http://localhost:3000/verify/${formatCertCode(cert.code)}`]) expect(text).toContain(s);
    // When, not only which day: its times in England, the zone named, and its length.
    expect(text).toContain('Time: 16:00 to 17:30 GMT');
    expect(text).toContain('Length of session: 90 minutes');
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
        certificate: { kind: 'attendance', code, name: 'Zoë Ní Bhriain', sessionTitle: 'Understanding autism', courseTitle: 'SEND foundations', date: '2026-02-10', minutes: 85, startsAt: START, endsAt: END },
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
      t.clock.set(during(startsAt));
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: s.trainer, body: { attended: true, minutes: 60 } })).status).toBe(200);
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

/**
 * A certificate prints facts; its code stays genuine only while every one of them is still
 * true. Once what it certifies changes (minutes corrected, the session moved, the course's
 * completion date), the old code answers withdrawn; once only a name it prints changes (the
 * session's or course's title, the person's name), replaced. Either way downloading the
 * certificate again issues a new one (a new code) with the facts as they now are.
 */
describe('a certificate whose printed facts change', () => {
  const verifyCode = async (code: string) => (await t.request('GET', `/api/certificates/${code}`)).json;
  const certRows = () => t.db.selectFrom('certificates').selectAll().orderBy('issued_at').orderBy('code').execute();
  const codeIn = (text: string) => /Verification code: ([0-9A-Z-]{19})/.exec(text)?.[1]?.replace(/-/g, '');

  it('minutes corrected on the register (still attended): the old code is withdrawn and a new download prints the new minutes', async () => {
    const { zoe, s } = await attended();
    const first = (await pdfText((await download(zoe.bookingId, zoe)).bytes)).text;
    expect(first).toContain('Minutes attended: 85');
    const { code } = (await certRows())[0]!;

    t.clock.set('2026-02-11T09:00:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: true, minutes: 50, note: 'left early' } })).status).toBe(200);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });

    const res = await download(zoe.bookingId, zoe);
    expect(res.status).toBe(200);
    const text = (await pdfText(res.bytes)).text;
    expect(text).toContain('Minutes attended: 50');
    expect(text).not.toContain('Minutes attended: 85');
    const newCode = codeIn(text)!;
    expect(newCode).toBeDefined();
    expect(newCode).not.toBe(code);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });
    expect(await verifyCode(newCode)).toEqual({
      status: 'genuine',
      certificate: { kind: 'attendance', code: newCode, name: 'Zoë Ní Bhriain', sessionTitle: 'Understanding autism', courseTitle: 'SEND foundations', date: '2026-02-10', minutes: 50, startsAt: START, endsAt: END },
    });
    // Nothing changed since: the same new certificate again, not a third.
    expect(codeIn((await pdfText((await download(zoe.bookingId, zoe)).bytes)).text)).toBe(newCode);
    expect((await certRows()).map((r) => r.code).sort()).toEqual([code, newCode].sort());
  });

  it('downloads racing after a change issue one new certificate between them', async () => {
    const { zoe, s } = await attended();
    await download(zoe.bookingId, zoe);
    const { code } = (await certRows())[0]!;
    await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: true, minutes: 60 } });
    const texts = await Promise.all([0, 1, 2, 3].map(async () => (await pdfText((await download(zoe.bookingId, zoe)).bytes)).text));
    const codes = new Set(texts.map(codeIn));
    expect(codes.size).toBe(1);
    const rows = await certRows();
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.superseded_at === null).map((r) => r.code)).toEqual([...codes]);
    expect(rows.find((r) => r.code === code)?.superseded_at).not.toBeNull();
    for (const text of texts) expect(text).toContain('Minutes attended: 60');
  });

  it('session moved after the certificate (its register first corrected: a session someone attended cannot be moved later) and attended on the new date: the old code stays withdrawn; a new download prints the new date and minutes', async () => {
    const { zoe, s } = await attended();
    await download(zoe.bookingId, zoe);
    const { code } = (await certRows())[0]!;
    t.clock.set('2026-02-11T09:00:00.000Z');
    const moveLater = () => t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-17T16:00:00.000Z', endsAt: '2026-02-17T17:00:00.000Z' } });
    expect((await moveLater()).status).toBe(409);
    expect(await verifyCode(code)).toMatchObject({ status: 'genuine' });
    // The register was wrong (she did not come that day): corrected, the session can move.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: false } })).status).toBe(200);
    expect((await moveLater()).status).toBe(200);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });

    t.clock.set('2026-02-17T16:10:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: true, minutes: 40 } })).status).toBe(200);
    t.clock.set('2026-02-17T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });

    const res = await download(zoe.bookingId, zoe);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=certificate-2026-02-17-understanding-autism.pdf');
    const text = (await pdfText(res.bytes)).text;
    expect(text).toContain('Date: 17 February 2026');
    expect(text).toContain('Minutes attended: 40');
    expect(text).not.toContain('10 February 2026');
    const newCode = codeIn(text)!;
    expect(newCode).not.toBe(code);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });
    expect(await verifyCode(newCode)).toMatchObject({ status: 'genuine', certificate: { code: newCode, date: '2026-02-17', minutes: 40 } });
  });

  it('a course certificate whose completion moved later: the old code stays withdrawn; a new download says the new completion date', async () => {
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Whole-school SEND', partsRequired: 2 } })).json;
    const org = await t.org();
    const me = await t.user('staff', org.id, 'Ravi');
    const attend = async (part: number, startsAt: string) => {
      t.clock.set('2026-02-01T09:00:00.000Z');
      const s = await t.session({ title: `Part ${part}`, courseId: course.id, part, startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() });
      const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} });
      t.clock.set(during(startsAt));
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: s.trainer, body: { attended: true, minutes: 60 } })).status).toBe(200);
      t.clock.set(new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString());
      await recordAttendanceOutcomes(t.deps);
      return { s, bookingId: b.json.id as string };
    };
    const courseText = async () => {
      const res = await t.app.request(`/api/courses/${course.id}/certificate.pdf`, { headers: me.auth });
      expect(res.status).toBe(200);
      return (await pdfText(new Uint8Array(await res.arrayBuffer()))).text;
    };
    await attend(1, '2026-02-10T16:00:00.000Z');
    const p2 = await attend(2, '2026-02-17T16:00:00.000Z');
    expect(await courseText()).toContain('Completed on: 17 February 2026');
    const { code } = await t.db.selectFrom('certificates').select('code').where('kind', '=', 'course').executeTakeFirstOrThrow();

    t.clock.set('2026-02-18T09:00:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${p2.s.id}/attendance/${p2.bookingId}`, { as: p2.s.trainer, body: { attended: false } })).status).toBe(200);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });
    await attend(2, '2026-02-24T16:00:00.000Z');
    t.clock.set('2026-02-25T09:00:00.000Z');
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });

    const text = await courseText();
    expect(text).toContain('Completed on: 24 February 2026');
    const newCode = codeIn(text)!;
    expect(newCode).not.toBe(code);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });
    expect(await verifyCode(newCode)).toEqual({
      status: 'genuine',
      certificate: { kind: 'course', code: newCode, name: 'Ravi', sessionTitle: null, courseTitle: 'Whole-school SEND', date: '2026-02-24', minutes: null },
    });
    expect(codeIn(await courseText())).toBe(newCode);
  });

  it('a renamed session or person: the old code says replaced (what it certifies stands, naming what changed, with what it printed), the new certificate prints the current names, and a reverted fact does not bring the replaced code back', async () => {
    const { zoe, s } = await attended();
    await download(zoe.bookingId, zoe);
    const { code } = (await certRows())[0]!;
    const printed = ((await verifyCode(code)) as { certificate: unknown }).certificate;
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Understanding autism in class' } })).status).toBe(200);
    expect(await verifyCode(code)).toEqual({ status: 'replaced', certificate: printed, changed: ['sessionTitle'] });
    // Put back before anyone downloaded again: everything printed is true again.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Understanding autism' } })).status).toBe(200);
    expect(await verifyCode(code)).toMatchObject({ status: 'genuine' });

    await t.db.updateTable('users').set({ name: 'Zoë Murphy' }).where('id', '=', zoe.id).execute();
    expect(await verifyCode(code)).toEqual({ status: 'replaced', certificate: printed, changed: ['name'] });
    const text = (await pdfText((await download(zoe.bookingId, zoe)).bytes)).text;
    expect(text).toContain('Zoë Murphy');
    const newCode = codeIn(text)!;
    expect(newCode).not.toBe(code);
    expect(await verifyCode(newCode)).toMatchObject({ status: 'genuine', certificate: { name: 'Zoë Murphy' } });
    // The name put back: the replaced code stays replaced (only the current one is genuine), naming nothing changed.
    await t.db.updateTable('users').set({ name: 'Zoë Ní Bhriain' }).where('id', '=', zoe.id).execute();
    expect(await verifyCode(code)).toEqual({ status: 'replaced', certificate: printed, changed: [] });
    // The attendance it certified corrected away: withdrawn, whatever else changed.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${zoe.bookingId}`, { as: s.trainer, body: { attended: false } })).status).toBe(200);
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });
  });

  it('session times corrected within the same day after the certificate: the old code is withdrawn (the time it prints no longer holds); a new download prints the new times and length', async () => {
    const { zoe, s } = await attended();
    expect((await pdfText((await download(zoe.bookingId, zoe)).bytes)).text).toContain('Time: 16:00 to 17:30 GMT');
    const { code } = (await certRows())[0]!;
    expect(await verifyCode(code)).toMatchObject({ status: 'genuine', certificate: { startsAt: START, endsAt: END } });
    // It began a quarter of an hour earlier than published, and ended at 17:15: the same day, the same minutes.
    t.clock.set('2026-02-11T09:00:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T15:45:00.000Z', endsAt: '2026-02-10T17:15:00.000Z' } })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === zoe.bookingId)).toMatchObject({ attended: true, minutes: 85 });
    expect(await verifyCode(code)).toEqual({ status: 'withdrawn' });

    const text = (await pdfText((await download(zoe.bookingId, zoe)).bytes)).text;
    expect(text).toContain('Date: 10 February 2026');
    expect(text).toContain('Time: 15:45 to 17:15 GMT');
    expect(text).toContain('Length of session: 90 minutes');
    expect(text).not.toContain('16:00');
    const newCode = codeIn(text)!;
    expect(newCode).not.toBe(code);
    expect(await verifyCode(newCode)).toMatchObject({ status: 'genuine', certificate: { date: '2026-02-10', minutes: 85, startsAt: '2026-02-10T15:45:00.000Z', endsAt: '2026-02-10T17:15:00.000Z' } });
  });

  it('in summer time the zone printed is BST; a certificate issued before certificates printed times prints none and stays genuine', async () => {
    const org = await t.org();
    const s = await t.session({ title: 'Summer session', startsAt: '2026-06-10T14:00:00.000Z', endsAt: '2026-06-10T15:00:00.000Z', capacity: { online: 5 } });
    const u = await t.user('staff', org.id, 'Sam');
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} })).json.id as string;
    t.clock.set('2026-06-10T14:10:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b}`, { as: s.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    t.clock.set('2026-06-10T16:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    const text = (await pdfText((await download(b, u)).bytes)).text;
    expect(text).toContain('Time: 15:00 to 16:00 BST');
    expect(text).toContain('Length of session: 60 minutes');

    // As a certificate issued before this printed times is stored: none.
    const { code } = (await certRows())[0]!;
    await t.db.updateTable('certificates').set({ session_starts_at: null, session_ends_at: null }).where('code', '=', code).execute();
    const verified = await verifyCode(code);
    expect(verified).toMatchObject({ status: 'genuine', certificate: { minutes: 55 } });
    expect(verified.certificate).not.toHaveProperty('startsAt');
    expect(verified.certificate).not.toHaveProperty('endsAt');
    // Downloaded again: the same certificate, printing no time (nothing it prints went stale).
    const again = (await pdfText((await download(b, u)).bytes)).text;
    expect(codeIn(again)).toBe(code);
    expect(again).not.toContain('Time:');
    expect(again).toContain('Minutes attended: 55');
  });

  it('an in-person tick with no minutes and no check-in: the minutes are unknown everywhere, and the certificate prints no minutes line rather than 0', async () => {
    const org = await t.org();
    const s = await t.session({ title: 'Hall session', mode: 'in_person', venue: 'Hall A', capacity: { inPerson: 5, online: 0 }, startsAt: START, endsAt: END });
    const u = await t.user('staff', org.id, 'Ana');
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'in_person' } })).json.id as string;
    t.clock.set('2026-02-10T17:40:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);

    const text = (await pdfText((await download(b, u)).bytes)).text;
    expect(text).toContain('Hall session');
    expect(text).not.toContain('Minutes attended');
    const { code } = (await certRows())[0]!;
    expect(await verifyCode(code)).toMatchObject({ status: 'genuine', certificate: { minutes: null } });
    // The register, its spreadsheet and the training record agree: attended, minutes not known (not 0).
    const row = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items[0];
    expect(row).toMatchObject({ bookingId: b, attended: true, minutes: null, source: 'register' });
    const csv = (await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: s.trainer })).text;
    expect(csv.split('\r\n')[1]).toMatch(/^Ana,[^,]*,[^,]*,in person,,yes,register,/);
    expect((await t.request('GET', '/api/me/completions', { as: u })).json.items).toEqual([expect.objectContaining({ bookingId: b, minutes: null })]);
  });
});
