/**
 * Training materials (issue 20, point 3): a course library kept by administrators, the
 * materials a session uses, in-house leads' own files and links, who may download them, and
 * how uploads are checked (size limit while reading, type by content, safe names) and served
 * (attachment, the checked type, nosniff, a sandboxing CSP).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { FILES } from '../materials-files.js';

const LIMIT = 64 * 1024;
let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z', config: { maxMaterialBytes: LIMIT } });
});
afterEach(async () => {
  await t.close();
});

const base = { mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 5 } };

/** Sends raw bytes, as the web client sends a file. */
async function upload(path: string, as: TestUser, bytes: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: { ...as.auth, 'content-type': 'application/octet-stream', ...headers }, body: bytes as BodyInit };
  if (bytes instanceof ReadableStream) init.duplex = 'half';
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function download(path: string, as?: TestUser) {
  const res = await t.app.request(path, { headers: as ? as.auth : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const countMaterials = async () => Number((await t.db.selectFrom('materials').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function world() {
  const school = await t.org('Birch Primary');
  const far = await t.org('Far School');
  const admin = await t.user('admin');
  const trainer = await t.user('trainer');
  const lead = await t.user('staff', school.id, 'Sam Senco');
  const booked = await t.user('staff', school.id, 'Bea Booked');
  const colleague = await t.user('staff', school.id, 'Cal Colleague');
  const outsider = await t.user('staff', far.id);
  expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
  const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of regulation' } })).json;
  const inhouse = (await t.request('POST', '/api/sessions', { as: lead, body: { ...base, title: 'Birch twilight', courseId: course.id, audience: { kind: 'organisation', orgId: school.id } } })).json;
  expect((await t.request('POST', `/api/sessions/${inhouse.id}/bookings`, { as: booked, body: {} })).status).toBe(201);
  return { school, far, admin, trainer, lead, booked, colleague, outsider, course, inhouse };
}

describe('how much a session or a library may hold', () => {
  it('a session lists at most 50 materials and its own files take at most 200 MB; a library 200 and 1 GB; past that an addition is refused (409, saying what to do) and nothing is stored', async () => {
    const w = await world();
    const s = w.inhouse.id;
    const link = (i: number) => t.request('POST', `/api/sessions/${s}/materials/links`, { as: w.lead, body: { title: `Link ${i}`, url: `https://example.org/${i}` } });
    for (let i = 1; i <= 50; i++) expect((await link(i)).status).toBe(201);
    const before = await countMaterials();
    const full = await link(51);
    expect(full.status).toBe(409);
    expect(full.json.error.message).toBe('This session already has 50 materials, as many as it may: remove one before adding another.');
    expect((await upload(`/api/sessions/${s}/materials/files?name=x.pdf`, w.lead, FILES.pdf)).status).toBe(409);
    // A library material attached counts too.
    const shared = (await t.request('POST', `/api/courses/${w.course.id}/materials/links`, { as: w.admin, body: { title: 'Shared', url: 'https://example.org/shared' } })).json;
    expect((await t.request('POST', `/api/sessions/${s}/materials`, { as: w.lead, body: { materialId: shared.id } })).status).toBe(409);
    expect(await countMaterials()).toBe(before + 1);
    // Taking one off makes room again.
    const one = (await t.request('GET', `/api/sessions/${s}/materials`, { as: w.lead })).json.items[0];
    expect((await t.request('DELETE', `/api/sessions/${s}/materials/${one.id}`, { as: w.lead })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${s}/materials`, { as: w.lead, body: { materialId: shared.id } })).status).toBe(201);

    // Bytes: another session whose files already take all but a few bytes of its 200 MB (stored as such here, not uploaded).
    const other = (await t.request('POST', '/api/sessions', { as: w.lead, body: { ...base, title: 'Birch second twilight', courseId: w.course.id, audience: { kind: 'organisation', orgId: w.school.id } } })).json.id;
    const big = randomUUID();
    await t.db.insertInto('materials').values({ id: big, kind: 'file', title: 'Big', course_id: null, session_id: other, url: null, file_name: 'big.pdf', content_type: 'application/pdf', size_bytes: 200 * 1024 * 1024 - 10, sha256: 'x', content: Buffer.from('x'), created_by: w.lead.id, created_at: '2026-03-01T09:00:00.000Z' }).execute();
    await t.db.insertInto('session_materials').values({ session_id: other, material_id: big, added_by: w.lead.id, added_at: '2026-03-01T09:00:00.000Z' }).execute();
    const tooBig = await upload(`/api/sessions/${other}/materials/files?name=x.pdf`, w.lead, FILES.pdf);
    expect(tooBig.status).toBe(409);
    expect(tooBig.json.error.message).toBe('This session’s files would take more than 200 MB with this one (they take 200 MB now): remove a file, or add a link to where the file is kept instead.');
    // A link takes no room.
    expect((await t.request('POST', `/api/sessions/${other}/materials/links`, { as: w.lead, body: { title: 'Where the big files are', url: 'https://example.org/drive' } })).status).toBe(201);

    // A library of 200 (one added above, 199 more stored here) takes no more.
    await t.db.insertInto('materials').values(Array.from({ length: 199 }, (_, i) => ({ id: randomUUID(), kind: 'link' as const, title: `L${i}`, course_id: w.course.id, session_id: null, url: `https://example.org/l${i}`, file_name: null, content_type: null, size_bytes: null, sha256: null, content: null, created_by: w.admin.id, created_at: '2026-03-01T09:00:00.000Z' }))).execute();
    const libraryFull = await t.request('POST', `/api/courses/${w.course.id}/materials/links`, { as: w.admin, body: { title: 'One more', url: 'https://example.org/more' } });
    expect(libraryFull.status).toBe(409);
    expect(libraryFull.json.error.message).toBe('This course’s library already has 200 materials, as many as it may: remove one before adding another.');
    expect((await upload(`/api/courses/${w.course.id}/materials/files?name=x.pdf`, w.admin, FILES.pdf)).status).toBe(409);
  });
});

describe('the library of a course', () => {
  it('administrators add files and links, everyone who runs sessions reads it, others cannot', async () => {
    const w = await world();
    const pdf = await upload(`/api/courses/${w.course.id}/materials/files?name=${encodeURIComponent('Slides (v2).pdf')}&title=Slides`, w.admin, FILES.pdf);
    expect(pdf.status).toBe(201);
    expect(pdf.json).toMatchObject({ kind: 'file', title: 'Slides', fileName: 'Slides (v2).pdf', contentType: 'application/pdf', sizeBytes: FILES.pdf.length, courseId: w.course.id, sessionId: null });
    const pptx = await upload(`/api/courses/${w.course.id}/materials/files?name=deck.pptx`, w.admin, FILES.pptx);
    expect(pptx.json.contentType).toBe('application/vnd.openxmlformats-officedocument.presentationml.presentation');
    const link = await t.request('POST', `/api/courses/${w.course.id}/materials/links`, { as: w.admin, body: { title: 'Programme video', url: 'https://example.org/video' } });
    expect(link.status).toBe(201);
    expect(link.json).toMatchObject({ kind: 'link', url: 'https://example.org/video', downloadUrl: null });

    for (const who of [w.admin, w.trainer, w.lead]) {
      const list = await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: who });
      expect(list.status).toBe(200);
      expect(list.json.items.map((m: any) => m.title).sort()).toEqual(['Programme video', 'Slides', 'deck.pptx']);
    }
    for (const who of [w.booked, w.outsider]) expect((await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: who })).status).toBe(403);
    // Only administrators change it.
    expect((await upload(`/api/courses/${w.course.id}/materials/files?name=x.pdf`, w.trainer, FILES.pdf)).status).toBe(403);
    expect((await upload(`/api/courses/${w.course.id}/materials/files?name=x.pdf`, w.lead, FILES.pdf)).status).toBe(403);
    expect((await t.request('POST', `/api/courses/${w.course.id}/materials/links`, { as: w.lead, body: { title: 'x', url: 'https://example.org' } })).status).toBe(403);
    expect((await t.request('DELETE', `/api/materials/${pdf.json.id}`, { as: w.trainer })).status).toBe(403);
    expect(await countMaterials()).toBe(3);

    const got = await download(pdf.json.downloadUrl, w.lead);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(FILES.pdf)).toBe(true);
    expect((await download(pdf.json.downloadUrl, w.booked)).status).toBe(403);
    expect((await download(pdf.json.downloadUrl)).status).toBe(401);

    expect((await t.request('DELETE', `/api/materials/${pdf.json.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: w.admin })).json.items).toHaveLength(2);
    expect((await download(pdf.json.downloadUrl, w.admin)).status).toBe(404);
    expect((await upload(`/api/courses/${randomUUID()}/materials/files?name=x.pdf`, w.admin, FILES.pdf)).status).toBe(404);
  });

  it('takes only http(s) links', async () => {
    const w = await world();
    for (const url of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://example.org/x', '/relative', 'https://user:pw@example.org/']) {
      const res = await t.request('POST', `/api/courses/${w.course.id}/materials/links`, { as: w.admin, body: { title: 'Bad', url } });
      expect(res.status, url).toBe(400);
      expect(res.json.error.details.issues[0].path).toBe('url');
    }
    expect(await countMaterials()).toBe(0);
  });
});

describe('uploads', () => {
  it('refuses a file over the limit with 413 and stores nothing, whether its length is declared or it is streamed', async () => {
    const w = await world();
    const big = Buffer.concat([FILES.pdf, Buffer.alloc(LIMIT)]);
    const declared = await upload(`/api/courses/${w.course.id}/materials/files?name=big.pdf`, w.admin, big, { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(declared.json.error.code).toBe('payload_too_large');
    // Streamed in chunks with no length: refused once it passes the limit, not after reading all of it.
    let sent = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > 100 * LIMIT) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=big.txt`, w.lead, endless);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(10 * LIMIT);
    expect(await countMaterials()).toBe(0);
    // Exactly at the limit is fine.
    const atLimit = Buffer.concat([FILES.pdf, Buffer.alloc(LIMIT - FILES.pdf.length, 0x20)]);
    expect((await upload(`/api/courses/${w.course.id}/materials/files?name=fits.pdf`, w.admin, atLimit)).status).toBe(201);
  });

  it('someone who may not add a file is refused before their file is read, with an Idempotency-Key too (the key is kept only once they may)', async () => {
    const w = await world();
    for (const [path, who, code] of [
      [`/api/sessions/${w.inhouse.id}/materials/files?name=a.txt`, w.colleague, 403],
      [`/api/sessions/${w.inhouse.id}/materials/files?name=a.txt`, w.outsider, 404],
      [`/api/courses/${w.course.id}/materials/files?name=a.txt`, w.trainer, 403],
      // An id no session could have is no way round it.
      ['/api/sessions/not-a-session/materials/files?name=a.txt', w.colleague, 404],
      ['/api/sessions/not-a-session/materials/files?name=a.txt', w.lead, 404],
    ] as const) {
      for (const [headers, length] of [[{}, true], [{ 'idempotency-key': randomUUID() }, true], [{}, false], [{ 'idempotency-key': randomUUID() }, false]] as [Record<string, string>, boolean][]) {
        // A file of declared length (as a browser sends one), or of none (sent in chunks), given a chunk at a time as it is read.
        let sent = 0;
        const chunk = Buffer.alloc(4 * 1024, 0x41);
        const chunks = 12;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += chunk.length;
            controller.enqueue(chunk);
            if (sent >= chunks * chunk.length) controller.close();
          },
        });
        const res = await upload(path, who, body, length ? { ...headers, 'content-length': String(chunks * chunk.length) } : headers);
        const what = `${path} ${JSON.stringify(headers)}${length ? '' : ' (no length)'}`;
        expect(res.status, what).toBe(code);
        // No more read than the chunk or two a stream offers before anyone asks.
        expect(sent, what).toBeLessThanOrEqual(2 * chunk.length);
      }
    }
    expect(await countMaterials()).toBe(0);
    // Nothing was kept under the keys either: refused before the idempotency layer saw them.
    expect(await t.db.selectFrom('idempotency_keys').select('key').execute()).toEqual([]);
  });

  it('tells the pages that upload the limit this site is set to, with the library and with a session’s materials', async () => {
    const w = await world();
    const library = await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: w.admin });
    expect(library.status).toBe(200);
    expect(library.json.maxFileBytes).toBe(LIMIT);
    const session = await t.request('GET', `/api/sessions/${w.inhouse.id}/materials`, { as: w.lead });
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ canManage: true, maxFileBytes: LIMIT });
  });

  it('the default limit is 20 MB, and other request bodies keep theirs', async () => {
    const ctx = await makeTestContext();
    try {
      expect(ctx.deps.config.maxMaterialBytes).toBe(20 * 1024 * 1024);
      const admin = await ctx.user('admin');
      const course = (await ctx.request('POST', '/api/courses', { as: admin, body: { title: 'C' } })).json;
      expect((await ctx.request('GET', `/api/courses/${course.id}/materials`, { as: admin })).json.maxFileBytes).toBe(20 * 1024 * 1024);
      const res = await ctx.app.request(`/api/courses/${course.id}/materials/files?name=big.pdf`, { method: 'POST', headers: { ...admin.auth, 'content-length': String(20 * 1024 * 1024 + 1) }, body: FILES.pdf });
      expect(res.status).toBe(413);
      // A JSON body over 1 MiB is still refused on an ordinary route.
      const json = await ctx.request('POST', '/api/courses', { as: admin, body: { title: 'x'.repeat(2 * 1024 * 1024) } });
      expect(json.status).toBe(413);
    } finally {
      await ctx.close();
    }
  });

  it('refuses kinds outside the allow-list by their content, whatever their name says', async () => {
    const w = await world();
    const cases: [string, Buffer][] = [
      ['page.html', FILES.html],
      ['slides.pdf', FILES.html], // an HTML page named as a PDF
      ['notes.txt', FILES.html],
      ['logo.svg', FILES.svg],
      ['archive.zip', FILES.plainZip],
      ['setup.exe', FILES.exe],
      ['handout.pdf', FILES.exe],
      ['empty.txt', Buffer.alloc(0)],
    ];
    for (const [name, bytes] of cases) {
      const res = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=${encodeURIComponent(name)}`, w.lead, bytes);
      expect(res.status, name).toBe(bytes.length ? 415 : 400);
      if (bytes.length) {
        expect(res.json.error.code).toBe('unsupported_media_type');
        expect(res.json.error.message).toMatch(/PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text/);
      }
    }
    expect(await countMaterials()).toBe(0);
    // The type the uploader claims counts for nothing: a PDF sent as text/html is stored as a PDF.
    const pdf = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=a.pdf`, w.lead, FILES.pdf, { 'content-type': 'text/html' });
    expect(pdf.json.contentType).toBe('application/pdf');
  });

  it('refuses macro-enabled Office files (.xlsm, .docm, .pptm, their templates and add-ins) with 415, whatever their name, and stores nothing', async () => {
    const w = await world();
    const slides = await upload(`/api/courses/${w.course.id}/materials/files?name=slides.pdf&title=Slides`, w.admin, FILES.pdf);
    expect(slides.status).toBe(201);
    const library = async () => (await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: w.admin })).json.items;
    const before = await library();
    const cases: [string, Buffer][] = [
      ['budget.xlsm', FILES.xlsm],
      ['budget.xlsx', FILES.xlsm], // renamed: still a macro-enabled workbook
      ['letter.docm', FILES.docm],
      ['deck.pptm', FILES.pptm],
      ['template.xltm', FILES.xltm],
      ['addin.xlam', FILES.xlam],
      ['letter.dotm', FILES.dotm],
      ['deck.potm', FILES.potm],
      ['show.ppsm', FILES.ppsm],
      ['addin.ppam', FILES.ppam],
    ];
    for (const [name, bytes] of cases) {
      const res = await upload(`/api/courses/${w.course.id}/materials/files?name=${encodeURIComponent(name)}`, w.admin, bytes);
      expect(res.status, name).toBe(415);
      expect(res.json.error.code, name).toBe('unsupported_media_type');
      expect(res.json.error.message, name).toMatch(/macro-enabled/i);
      expect(res.json.error.message, name).toMatch(/\.xlsx, \.docx or \.pptx/);
      expect(res.json.error.details.issues[0].path).toBe('file');
    }
    // The same through a session's own files.
    const own = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=budget.xlsm`, w.lead, FILES.xlsm);
    expect([own.status, own.json.error.code]).toEqual([415, 'unsupported_media_type']);
    expect(await library()).toEqual(before);
    expect((await t.request('GET', `/api/sessions/${w.inhouse.id}/materials`, { as: w.lead })).json.items).toEqual([]);
    expect(await countMaterials()).toBe(1);
  });

  it('takes Word, PowerPoint and Excel files (templates and slide shows under their own extension) as Office saves them, and UTF-8 text with accents and right-to-left scripts', async () => {
    const w = await world();
    const cases: [string, Buffer, string, string][] = [
      ['handout.docx', FILES.realDocx, 'handout.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['deck.pptx', FILES.realPptx, 'deck.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
      ['budget.xlsx', FILES.realXlsx, 'budget.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['Réunion – notes.txt', FILES.textInternational, 'Réunion – notes.txt', 'text/plain; charset=utf-8'],
      // Templates and a slide show keep their own extension and type: Office will not open one named .docx, .pptx or .xlsx.
      ['letter.docx', FILES.realDotx, 'letter.dotx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.template'],
      ['theme.potx', FILES.realPotx, 'theme.potx', 'application/vnd.openxmlformats-officedocument.presentationml.template'],
      ['welcome.ppsx', FILES.realPpsx, 'welcome.ppsx', 'application/vnd.openxmlformats-officedocument.presentationml.slideshow'],
      ['tracker.xltx', FILES.realXltx, 'tracker.xltx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.template'],
    ];
    for (const [name, bytes, fileName, contentType] of cases) {
      const res = await upload(`/api/courses/${w.course.id}/materials/files?name=${encodeURIComponent(name)}`, w.admin, bytes);
      expect(res.status, name).toBe(201);
      expect(res.json, name).toMatchObject({ fileName, contentType, sizeBytes: bytes.length });
      expect((await download(res.json.downloadUrl, w.admin)).bytes.equals(bytes), name).toBe(true);
    }
    expect(await countMaterials()).toBe(cases.length);
  });

  it('a text file that starts with millions of blank characters (20 MB of them) is taken as text, or refused as markup: never an error', async () => {
    const ctx = await makeTestContext();
    try {
      const admin = await ctx.user('admin');
      const course = (await ctx.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of regulation' } })).json;
      const blanks = '\u00a0'.repeat(10 * 1024 * 1024 - 100); // no-break spaces, as word processors pad with: two bytes each
      const send = (name: string, text: string) =>
        ctx.app.request(`/api/courses/${course.id}/materials/files?name=${name}`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/octet-stream' }, body: Buffer.from(text) });
      const notes = await send('notes.txt', `${blanks}Notes for the session\n`);
      expect(notes.status).toBe(201);
      expect((await notes.json()).fileName).toBe('notes.txt');
      const svg = await send('notes.txt', `${blanks}<svg onload=alert(1)>`);
      expect(svg.status).toBe(415);
      expect((await svg.json()).error.code).toBe('unsupported_media_type');
    } finally {
      await ctx.close();
    }
  });

  it('refuses text holding C1 control characters, such as markup after U+0085 (NEL), with 415 and stores nothing', async () => {
    const w = await world();
    const slides = await upload(`/api/courses/${w.course.id}/materials/files?name=slides.pdf&title=Slides`, w.admin, FILES.pdf);
    expect(slides.status).toBe(201);
    const library = async () => (await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: w.admin })).json.items;
    const before = await library();
    for (const [name, bytes] of [['notes.txt', FILES.svgAfterNel], ['logo.svg', FILES.svgAfterNel], ['notes.txt', Buffer.from('Slide 1\u0085Slide 2\n')], ['notes.txt', Buffer.from('\u009b31mred\n')]] as const) {
      const res = await upload(`/api/courses/${w.course.id}/materials/files?name=${encodeURIComponent(name)}`, w.admin, bytes);
      expect(res.status, name).toBe(415);
      expect(res.json.error.code).toBe('unsupported_media_type');
      expect(res.json.error.message).toMatch(/PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text/);
    }
    expect(await library()).toEqual(before);
    expect(await countMaterials()).toBe(1);
  });

  it('keeps a file named ../x.html under a safe name and serves it only as an attachment of what it is', async () => {
    const w = await world();
    const res = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=${encodeURIComponent('../x.html')}`, w.lead, FILES.pdf);
    expect(res.status).toBe(201);
    expect(res.json.fileName).toBe('x.pdf');
    const got = await download(res.json.downloadUrl, w.booked);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename=x.pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(got.bytes.equals(FILES.pdf)).toBe(true);
  });

  it('serves a text file holding <script> as a plain-text attachment that cannot run', async () => {
    const w = await world();
    const res = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=${encodeURIComponent('notes.html')}&title=Notes`, w.lead, FILES.textWithScript);
    expect(res.status).toBe(201);
    expect(res.json.fileName).toBe('notes.txt');
    const got = await download(res.json.downloadUrl, w.booked);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
    expect(got.bytes.toString()).toContain('<script>');
  });

  it('keeps every byte of a binary file, with an Idempotency-Key as the web client sends', async () => {
    const w = await world();
    const bytes = Buffer.concat([FILES.png, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3])]);
    const res = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=pic.png`, w.lead, bytes, { 'idempotency-key': 'k1' });
    expect(res.status).toBe(201);
    const again = await upload(`/api/sessions/${w.inhouse.id}/materials/files?name=pic.png`, w.lead, bytes, { 'idempotency-key': 'k1' });
    expect(again.json.id).toBe(res.json.id);
    expect(await countMaterials()).toBe(1);
    expect((await download(res.json.downloadUrl, w.lead)).bytes.equals(bytes)).toBe(true);
  });
});

describe('a session’s materials', () => {
  it('its in-house lead attaches library materials and adds files and links; the people booked and admins download; no one else', async () => {
    const w = await world();
    const slides = await upload(`/api/courses/${w.course.id}/materials/files?name=slides.pdf&title=Slides`, w.admin, FILES.pdf);
    const s = w.inhouse.id;
    expect((await t.request('POST', `/api/sessions/${s}/materials`, { as: w.lead, body: { materialId: slides.json.id } })).status).toBe(201);
    // Attaching twice changes nothing.
    expect((await t.request('POST', `/api/sessions/${s}/materials`, { as: w.lead, body: { materialId: slides.json.id } })).status).toBe(201);
    t.clock.advance(60_000); // listed in the order added
    const own = await upload(`/api/sessions/${s}/materials/files?name=handout.docx&title=Our%20handout`, w.lead, FILES.docx);
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ sessionId: s, courseId: null, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    t.clock.advance(60_000);
    const link = await t.request('POST', `/api/sessions/${s}/materials/links`, { as: w.lead, body: { title: 'Padlet', url: 'https://padlet.example/board' } });
    expect(link.status).toBe(201);

    const asLead = await t.request('GET', `/api/sessions/${s}/materials`, { as: w.lead });
    expect(asLead.json.items.map((m: any) => m.title)).toEqual(['Slides', 'Our handout', 'Padlet']);
    expect(asLead.json).toMatchObject({ canDownload: true, canManage: true });
    const asBooked = await t.request('GET', `/api/sessions/${s}/materials`, { as: w.booked });
    expect(asBooked.json).toMatchObject({ canDownload: true, canManage: false });
    expect(asBooked.json.items[2].url).toBe('https://padlet.example/board');
    for (const m of asBooked.json.items.filter((x: any) => x.kind === 'file')) {
      const got = await download(m.downloadUrl, w.booked);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe(m.contentType);
    }
    // A colleague at the same school who has not booked sees the list, without addresses, and cannot download.
    const asColleague = await t.request('GET', `/api/sessions/${s}/materials`, { as: w.colleague });
    expect(asColleague.json.canDownload).toBe(false);
    expect(asColleague.json.items.map((m: any) => [m.downloadUrl, m.url])).toEqual([[null, null], [null, null], [null, null]]);
    expect((await download(`/api/sessions/${s}/materials/${own.json.id}/download`, w.colleague)).status).toBe(403);
    expect((await download(`/api/sessions/${s}/materials/${own.json.id}/download`, w.admin)).status).toBe(200);
    // Another trainer cannot download or change it; the library route does not serve a session's own file.
    expect((await download(`/api/materials/${own.json.id}/download`, w.trainer)).status).toBe(404);
    // Someone outside the session's audience: it does not exist.
    for (const path of [`/api/sessions/${s}/materials`, `/api/sessions/${s}/materials/${own.json.id}/download`]) {
      const hidden = await t.request('GET', path, { as: w.outsider });
      const missing = await t.request('GET', path.replace(s, randomUUID()), { as: w.outsider });
      expect([hidden.status, hidden.json]).toEqual([404, missing.json]);
      // Nor does a session whose id is no session's id at all.
      expect((await t.request('GET', path.replace(s, 'not-a-session'), { as: w.booked })).status).toBe(404);
    }
    expect((await upload(`/api/sessions/${s}/materials/files?name=x.pdf`, w.outsider, FILES.pdf)).status).toBe(404);
    expect((await t.request('POST', `/api/sessions/${s}/materials/links`, { as: w.trainer, body: { title: 'x', url: 'https://example.org' } })).status).toBe(404);

    // People who do not run the session change nothing.
    expect((await upload(`/api/sessions/${s}/materials/files?name=x.pdf`, w.booked, FILES.pdf)).status).toBe(403);
    expect((await t.request('POST', `/api/sessions/${s}/materials/links`, { as: w.booked, body: { title: 'x', url: 'https://example.org' } })).status).toBe(403);
    expect((await t.request('DELETE', `/api/sessions/${s}/materials/${slides.json.id}`, { as: w.booked })).status).toBe(403);
    // A cancelled booking no longer downloads.
    const mine = (await t.request('GET', '/api/me/bookings', { as: w.booked })).json.items[0];
    expect((await t.request('DELETE', `/api/bookings/${mine.id}`, { as: w.booked })).status).toBeLessThan(300);
    expect((await download(`/api/sessions/${s}/materials/${own.json.id}/download`, w.booked)).status).toBe(403);

    // Removing: a library material is only taken off; the session's own file is deleted.
    expect((await t.request('DELETE', `/api/sessions/${s}/materials/${slides.json.id}`, { as: w.lead })).status).toBe(204);
    expect((await t.request('DELETE', `/api/sessions/${s}/materials/${own.json.id}`, { as: w.lead })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${s}/materials`, { as: w.lead })).json.items.map((m: any) => m.title)).toEqual(['Padlet']);
    expect((await t.request('GET', `/api/courses/${w.course.id}/materials`, { as: w.admin })).json.items.map((m: any) => m.title)).toEqual(['Slides']);
    expect(await countMaterials()).toBe(2);
  });

  it('someone offered a seat downloads while the offer stands, not once its time has run out (before the sweep passes it on)', async () => {
    const w = await world();
    // One seat, offered to whoever waits: Bea has it; Cal waits, and is offered it when she cancels.
    const s = (await t.request('POST', '/api/sessions', { as: w.lead, body: { ...base, title: 'Birch small group', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, audience: { kind: 'organisation', orgId: w.school.id } } })).json;
    const bea = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: w.booked, body: {} });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: w.colleague, body: {} })).json.status).toBe('waitlisted');
    const own = await upload(`/api/sessions/${s.id}/materials/files?name=handout.docx&title=Handout`, w.lead, FILES.docx);
    expect(own.status).toBe(201);
    const path = `/api/sessions/${s.id}/materials/${own.json.id}/download`;
    expect((await download(path, w.colleague)).status).toBe(403);
    expect((await t.request('DELETE', `/api/bookings/${bea.json.id}`, { as: w.booked })).status).toBeLessThan(300);
    const offer = (await t.request('GET', '/api/me/bookings', { as: w.colleague })).json.items[0];
    expect(offer).toMatchObject({ status: 'offered' });
    expect((await download(path, w.colleague)).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}/materials`, { as: w.colleague })).json.canDownload).toBe(true);
    t.clock.advance(61 * 60_000);
    expect((await download(path, w.colleague)).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/materials`, { as: w.colleague })).json.canDownload).toBe(false);
  });

  it('refuses to attach what is not in the library, and a deleted library material leaves every session', async () => {
    const w = await world();
    const s = w.inhouse.id;
    const own = await upload(`/api/sessions/${s}/materials/files?name=a.pdf`, w.lead, FILES.pdf);
    const other = await t.session({ ...base, title: 'Other' }, w.trainer);
    const refused = await t.request('POST', `/api/sessions/${other.id}/materials`, { as: w.trainer, body: { materialId: own.json.id } });
    expect(refused.status).toBe(400);
    const gone = await t.request('POST', `/api/sessions/${other.id}/materials`, { as: w.trainer, body: { materialId: randomUUID() } });
    expect(gone.status).toBe(400);
    expect(gone.json.error.message).toBe('That material is not in the programme’s library: it may have been deleted.');
    const lib = await upload(`/api/courses/${w.course.id}/materials/files?name=lib.pdf`, w.admin, FILES.pdf);
    expect((await t.request('POST', `/api/sessions/${other.id}/materials`, { as: w.trainer, body: { materialId: lib.json.id } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${s}/materials`, { as: w.lead, body: { materialId: lib.json.id } })).status).toBe(201);
    expect((await t.request('DELETE', `/api/materials/${lib.json.id}`, { as: w.admin })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${other.id}/materials`, { as: w.trainer })).json.items).toEqual([]);
    expect((await t.request('GET', `/api/sessions/${s}/materials`, { as: w.lead })).json.items.map((m: any) => m.fileName)).toEqual(['a.pdf']);
    // A session's own material cannot be deleted through the library.
    expect((await t.request('DELETE', `/api/materials/${own.json.id}`, { as: w.admin })).status).toBe(404);
  });
});

describe('a session that does not exist', () => {
  it('answers 404 to an administrator adding a file, or a link to it, and stores nothing', async () => {
    const admin = await t.user('admin');
    const file = await t.app.request('/api/sessions/no-such-session/materials/files?name=me.txt', { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/octet-stream' }, body: 'plain words' });
    expect(file.status).toBe(404);
    const link = await t.request('POST', '/api/sessions/no-such-session/materials/links', { as: admin, body: { title: 'A link', url: 'https://example.org/x' } });
    expect(link.status).toBe(404);
    expect(await countMaterials()).toBe(0);
  });
});
