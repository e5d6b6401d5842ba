/**
 * Staff lists and timetables as school offices really save them (Excel on Windows and Mac,
 * Google Sheets, LibreOffice, MIS exports): read when they can be read without guessing,
 * otherwise refused naming the line and what to do, with nothing changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

/** The text as Excel's "CSV (Comma delimited)" writes it on a UK Windows PC: Windows-1252. */
const ansi = (s: string) => Buffer.from([...s].map((ch) => ({ á: 0xe1, ë: 0xeb, '’': 0x92 })[ch as 'á'] ?? ch.charCodeAt(0)));
/** Excel's "Unicode Text": UTF-16LE with its BOM, tab-separated. */
const unicodeText = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
/** The first bytes of a .xlsx (a ZIP file). */
const xlsx = Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000'), Buffer.from([0x8a, 0xff, 0x00, 0x91, 0x0a, 0xe1])]);

async function send(method: string, path: string, as: TestUser, body: string | Buffer, type = 'text/csv') {
  const res = await t.app.request(path, { method, headers: { ...as.auth, 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, json: (await res.json()) as any };
}

const SAVE_AS = /This file is not saved as UTF-8 text.*line 3.*File → Save As → “CSV UTF-8 \(Comma delimited\) \(\*\.csv\)”/;

describe('staff list import: files as offices save them', () => {
  async function office() {
    const org = await t.org('Hill Primary');
    return { org, office: await t.user('office', org.id) };
  }
  const importing = (orgId: string, as: TestUser, body: string | Buffer, dryRun = false, type?: string) =>
    send('POST', `/api/orgs/${orgId}/users/import${dryRun ? '?dryRun=true' : ''}`, as, body, type);
  const names = async (orgId: string) => (await t.db.selectFrom('users').select('name').where('org_id', '=', orgId).where('role', '=', 'staff').orderBy('name').execute()).map((r) => r.name);

  it('an ANSI (Windows-1252) file is refused naming the line and how to save it as UTF-8, not imported as “Siobh�n”; nobody is added', async () => {
    const { org, office: me } = await office();
    const body = ansi('name,email,role\r\nAmira Khan,amira@example.org,staff\r\nSiobhán O’Brien,siobhan@example.org,staff\r\n');
    for (const dryRun of [true, false]) {
      const res = await importing(org.id, me, body, dryRun);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.message).toMatch(SAVE_AS);
      expect(res.json.error.message).toMatch(/Nobody was added\.$/);
    }
    expect(await names(org.id)).toEqual([]);
    // Said to be Windows-1252, the same bytes are read as written.
    const said = await importing(org.id, me, body, false, 'text/csv; charset=windows-1252');
    expect(said.status).toBe(201);
    expect(await names(org.id)).toEqual(['Amira Khan', 'Siobhán O’Brien']);
  });

  it('reads Excel’s “Unicode Text” (UTF-16, tabs), a European Excel’s semicolons, old-Mac CR line ends and Excel’s trailing empty columns and rows', async () => {
    const { org, office: me } = await office();
    const files: [string | Buffer, string[]][] = [
      [unicodeText('Name\tEmail\tRole\r\nZoë Smith\tzoe@example.org\tstaff\r\n'), ['zoe@example.org']],
      ['Name;E-mail;Role\r\n"Evans, Ben";ben@example.org;staff\r\n', ['ben@example.org']],
      ['name,email,role\rAmy Ash,amy@example.org,staff\rBob Bell,bob@example.org,staff\r', ['amy@example.org', 'bob@example.org']],
      ['name,email,role,,\r\nCara Jones,cara@example.org,staff,,\r\n,,,,\r\n,,,,\r\n', ['cara@example.org']],
    ];
    for (const [body, emails] of files) {
      const res = await importing(org.id, me, body, true);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.lines.map((l: any) => l.email)).toEqual(emails);
    }
    expect((await importing(org.id, me, files[0]![0])).status).toBe(201);
    expect((await importing(org.id, me, files[1]![0])).status).toBe(201);
    expect(await names(org.id)).toEqual(['Evans, Ben', 'Zoë Smith']);
  });

  it('a workbook renamed .csv is refused as a workbook, saying how to save it as CSV', async () => {
    const { org, office: me } = await office();
    const res = await importing(org.id, me, xlsx, true);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^This file is an Excel workbook \(\.xlsx\), not a CSV file.*Save As/);
  });
});

describe('timetable upload: files as staff save them', () => {
  async function staff() {
    const org = await t.org('Hill Primary');
    return t.user('staff', org.id);
  }
  const upload = (as: TestUser, body: string | Buffer) => send('PUT', '/api/me/timetable', as, body);
  const first = 'day,start,end,label\r\nMonday,09:00,10:00,Maths\r\n';

  it('an ANSI file is refused naming the line and how to save it as UTF-8, and the timetable kept', async () => {
    const me = await staff();
    expect((await upload(me, first)).status).toBe(200);
    const res = await upload(me, ansi('day,start,end,label\r\nTuesday,09:00,10:00,Reading\r\nWednesday,09:00,10:00,Zoë’s group\r\n'));
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(SAVE_AS);
    expect(res.json.error.message).toMatch(/The timetable was not changed\.$/);
    expect(res.json.error.details.rows).toEqual([{ line: 3, message: expect.stringMatching(/not saved as UTF-8/) }]);
    const kept = await t.request('GET', '/api/me/timetable', { as: me });
    expect(kept.json.weekly.map((w: any) => w.label)).toEqual(['Maths']);
  });

  it('reads Excel’s “Unicode Text” and a semicolon file; a workbook renamed .csv is refused as one', async () => {
    const me = await staff();
    const utf16 = await upload(me, unicodeText('Day\tStart\tEnd\tLabel\r\nMONDAY\t09:00\t10:00\tZoë’s group\r\n'));
    expect(utf16.status, JSON.stringify(utf16.json)).toBe(200);
    expect(utf16.json.weekly).toEqual([{ kind: 'weekly', day: 'Monday', start: '09:00', end: '10:00', week: null, label: 'Zoë’s group' }]);
    const semi = await upload(me, 'day;start;end;label\r\nTue;09:00:00;10:00:00;Maths, set 2\r\n');
    expect(semi.status, JSON.stringify(semi.json)).toBe(200);
    expect(semi.json.weekly).toEqual([{ kind: 'weekly', day: 'Tuesday', start: '09:00', end: '10:00', week: null, label: 'Maths, set 2' }]);
    const book = await upload(me, xlsx);
    expect(book.status).toBe(400);
    expect(book.json.error.message).toMatch(/^This file is an Excel workbook \(\.xlsx\).*The timetable was not changed\.$/);
    const kept = await t.request('GET', '/api/me/timetable', { as: me });
    expect(kept.json.weekly.map((w: any) => w.label)).toEqual(['Maths, set 2']);
  });
});

describe('whole-school timetable upload (office): files as offices save them', () => {
  async function school() {
    const org = await t.org('Hill Primary');
    return { org, office: await t.user('office', org.id), zoe: await t.user('staff', org.id, 'Zoë Smith') };
  }
  const upload = (orgId: string, as: TestUser, body: string | Buffer) => send('PUT', `/api/orgs/${orgId}/timetables`, as, body);
  const labels = async (as: TestUser) => (await t.request('GET', '/api/me/timetable', { as })).json.weekly.map((w: any) => w.label);

  it('reads Excel’s “Unicode Text” and a semicolon file; an ANSI file and a renamed workbook are refused saying what to do, and no timetable changes', async () => {
    const { org, office, zoe } = await school();
    const utf16 = await upload(org.id, office, unicodeText(`Email\tDay\tStart\tEnd\tLabel\r\n${zoe.email}\tMONDAY\t09:00\t10:00\tZoë’s group\r\n`));
    expect(utf16.status, JSON.stringify(utf16.json)).toBe(200);
    expect(await labels(zoe)).toEqual(['Zoë’s group']);
    const semi = await upload(org.id, office, `email;day;start;end;label\r\n${zoe.email};Tue;09:00:00;10:00:00;Maths, set 2\r\n`);
    expect(semi.status, JSON.stringify(semi.json)).toBe(200);
    expect(await labels(zoe)).toEqual(['Maths, set 2']);

    const refused = await upload(org.id, office, ansi(`email,day,start,end,label\r\n${zoe.email},Tuesday,09:00,10:00,Reading\r\n${zoe.email},Wednesday,09:00,10:00,Zoë’s group\r\n`));
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(SAVE_AS);
    expect(refused.json.error.details.rows).toEqual([{ line: 3, message: expect.stringMatching(/not saved as UTF-8/) }]);
    const book = await upload(org.id, office, xlsx);
    expect(book.status).toBe(400);
    expect(book.json.error.message).toMatch(/^This file is an Excel workbook \(\.xlsx\)/);
    expect(await labels(zoe)).toEqual(['Maths, set 2']);
  });
});

describe('timetable upload: times and days as people write them', () => {
  it('reads 9.00, 1.30pm, 09:00:00 and days as MONDAY, monday or Mon; Excel’s day fraction (0.375) is refused saying how to format the column, and nothing changes', async () => {
    const org = await t.org('Hill Primary');
    const me = await t.user('staff', org.id);
    const res = await send('PUT', '/api/me/timetable', me, 'Day,Start,End,Label\r\nMONDAY,9.00,10.15,Maths\r\nmonday,1.30pm,3pm,PE\r\nWed,09:00:00,9:45am,Reading\r\n');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.weekly.map((w: any) => [w.day, w.start, w.end, w.label])).toEqual([
      ['Monday', '09:00', '10:15', 'Maths'],
      ['Monday', '13:30', '15:00', 'PE'],
      ['Wednesday', '09:00', '09:45', 'Reading'],
    ]);
    const fraction = await send('PUT', '/api/me/timetable', me, 'day,start,end\r\nTuesday,0.375,0.416666667\r\n');
    expect(fraction.status).toBe(400);
    expect(fraction.json.error.details.rows).toEqual([{ line: 2, message: expect.stringMatching(/^start "0\.375" is a time Excel saved as a fraction of a day: in Excel format the start and end columns as Time \(13:30\)/) }]);
    const kept = await t.request('GET', '/api/me/timetable', { as: me });
    expect(kept.json.weekly.map((w: any) => w.label)).toEqual(['Maths', 'PE', 'Reading']);
  });
});
