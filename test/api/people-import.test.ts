/** The staff CSV import, line by line: a check that changes nothing, plain reasons per refused line, and who may import where. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const csv = { 'content-type': 'text/csv' };

describe('staff CSV import', () => {
  it('a check (dryRun) reports every line as ready and creates nobody; the import then reports every line created', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const body = 'name,email,role\nAmira Khan,amira@example.org,staff\nBen Evans,BEN@example.org,\n';
    const check = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body, headers: csv });
    expect(check.status).toBe(200);
    expect(check.json).toMatchObject({ imported: 0, dryRun: true, users: [] });
    expect(check.json.lines).toEqual([
      { line: 2, name: 'Amira Khan', email: 'amira@example.org', role: 'staff', outcome: 'ready' },
      { line: 3, name: 'Ben Evans', email: 'ben@example.org', role: 'staff', outcome: 'ready' },
    ]);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'amira@example.org').executeTakeFirst()).toBeUndefined();

    const done = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers: csv });
    expect(done.status).toBe(201);
    expect(done.json.imported).toBe(2);
    expect(done.json.lines.map((l: any) => [l.line, l.outcome])).toEqual([[2, 'created'], [3, 'created']]);
    expect(done.json.users.map((u: any) => u.orgName)).toEqual(['Hill Primary', 'Hill Primary']);
  });

  it('an office may put only so many addresses an hour to the test of “already has an account” (imports, their checks, adding one person): 429 past it, nobody added; administrators are not counted', async () => {
    t.deps.config.officeAddressChecksPerHour = 5;
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const file = (from: number, n: number) => 'name,email,role\n' + Array.from({ length: n }, (_, i) => `Person ${from + i},person${from + i}@example.org,staff`).join('\n');
    expect((await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body: file(1, 3), headers: csv })).status).toBe(200);
    // A refusal (one address already has an account) is an answer too: counted.
    expect((await t.request('POST', '/api/users', { as: office, body: { email: admin.email, name: 'Already Here', role: 'staff' } })).status).toBe(409);
    const over = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: file(1, 2), headers: csv });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBeTruthy();
    expect(over.json.error.message).toMatch(/^There have been too many people added or checked from your account this hour\. Please wait \d+ minutes? and try again\. Nobody was added\.$/);
    expect((await t.request('POST', '/api/users', { as: office, body: { email: 'one.more@example.org', name: 'One More', role: 'staff' } })).status).toBe(429);
    expect(await t.db.selectFrom('users').select('id').where('email', 'like', 'person%@example.org').execute()).toHaveLength(0);
    // Administrators place anyone.
    expect((await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: admin, body: file(1, 6), headers: csv })).status).toBe(201);
    // An hour later the office may again.
    t.clock.advance(60 * 60_000 + 1);
    expect((await t.request('POST', '/api/users', { as: office, body: { email: 'one.more@example.org', name: 'One More', role: 'staff' } })).status).toBe(201);
  });

  it('two imports at once adding the same new email: one adds its people, the other is refused naming that line, and adds nobody', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    for (let round = 0; round < 5; round++) {
      const shared = `amira${round}@example.org`;
      const first = `name,email,role\nAmira Khan,${shared},staff\nBen Evans,ben${round}@example.org,staff\n`;
      const second = `name,email,role\nCara Jones,cara${round}@example.org,staff\nAmira Khan,${shared},staff\n`;
      const answers = await Promise.all([first, second].map((body) => t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers: csv })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 400]);
      const refused = answers.find((a) => a.status === 400)!;
      const wonFirst = answers[0]!.status === 201;
      expect(refused.json.error.code).toBe('validation_failed');
      expect(refused.json.error.message).toBe('1 line has a problem; nobody was imported.');
      expect(refused.json.error.details.rows).toEqual([{ line: wonFirst ? 3 : 2, message: `${shared} already has an account (existing accounts are not changed by an import). If they have joined from another school, an administrator can move their account here from the People page.` }]);
      // Nothing of the refused file was added; all of the other was.
      const emails = (await t.db.selectFrom('users').select('email').where('email', 'in', [shared, `ben${round}@example.org`, `cara${round}@example.org`]).execute()).map((r) => r.email).sort();
      expect(emails).toEqual(wonFirst ? [shared, `ben${round}@example.org`] : [shared, `cara${round}@example.org`]);
    }
  });

  it('names each line as the file has it, counting blank lines and line breaks inside quotes', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const body = 'name,email,role\n\nAmira Khan,amira@example.org,staff\n"Ben\nEvans",ben@example.org,staff\n\nNo At,not-an-email,staff\n';
    const check = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body, headers: csv });
    expect(check.status).toBe(400);
    const lines = (check.json.error.details.lines as { line: number; email: string }[]).map((l) => [l.line, l.email]);
    expect(lines).toEqual([[3, 'amira@example.org'], [5, 'ben@example.org'], [7, 'not-an-email']]);
    expect(check.json.error.details.rows).toEqual([
      { line: 5, message: 'The name runs over more than one line.' },
      { line: 7, message: '“not-an-email” is not an email address.' },
    ]);
  });

  it('refuses the whole file with each bad line’s reason in plain words, and every line read', async () => {
    const org = await t.org();
    const admin = await t.user('admin');
    await t.request('POST', '/api/users', { as: admin, body: { name: 'Already', email: 'taken@example.org', role: 'staff', orgId: org.id } });
    const body = 'name,email,role\nGood Person,good@example.org,staff\n,nobody@example.org,staff\nNo At,not-an-email,staff\nWizard,wiz@example.org,wizard\nTaken,taken@example.org,staff\nGood Again,good@example.org,staff\n';
    const refused = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: admin, body, headers: csv });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe('5 lines have problems; nobody was imported.');
    expect(refused.json.error.details.rows).toEqual([
      { line: 3, message: 'There is no name.' },
      { line: 4, message: '“not-an-email” is not an email address.' },
      { line: 5, message: 'The role “wizard” is not one of staff, office, trainer or admin.' },
      { line: 6, message: 'taken@example.org already has an account (existing accounts are not changed by an import). If they have joined from another school, an administrator can move their account here from the People page.' },
      { line: 7, message: 'good@example.org is also on line 2.' },
    ]);
    expect(refused.json.error.details.lines.map((l: any) => l.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(refused.json.error.details.lines[0]).toEqual({ line: 2, name: 'Good Person', email: 'good@example.org', role: 'staff' });
    const real = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: admin, body, headers: csv });
    expect(real.status).toBe(400);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'good@example.org').executeTakeFirst()).toBeUndefined();
  });

  it('reads headings as a spreadsheet names them ("Job role", "E-mail" aside): spaces and hyphens as underscores; a heading given twice refuses the file, adding nobody', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const spaced = 'Name,Email,Role,Job role\nAmira Khan,amira@example.org,staff,Teaching assistant\nBen Evans,ben@example.org,staff,job-role-less\n';
    const refused = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body: spaced, headers: csv });
    // The job role column is read, so a word that is no job role is caught, not silently dropped.
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.error.details.rows).toEqual([{ line: 3, message: expect.stringContaining('job-role-less') }]);
    const good = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: 'Name,Email,Role,Job-role\nAmira Khan,amira@example.org,staff,Teaching assistant\n', headers: csv });
    expect(good.status, good.text).toBe(201);
    expect(good.json.users[0].jobRole).toBe('teaching_assistant');

    const twice = 'name,email,name\nCara Doyle,cara@example.org,Someone Else\n';
    const dup = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: twice, headers: csv });
    expect(dup.status, dup.text).toBe(400);
    expect(dup.json.error.message).toContain('"name"');
    expect(dup.json.error.message).toContain('more than once');
    // Headings are said as the file writes them ("First name"), never as read (first_name, which a page takes for code).
    const missing = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: 'First name,Surname,Email\nCara,Doyle,cara@example.org\n', headers: csv });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toBe('The CSV file needs a "name" column (header: name,email,role; its header row has: First name, Surname, Email).');
    const twiceSpaced = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: 'Name,Email,Job role,Job-Role\nCara Doyle,cara@example.org,,\n', headers: csv });
    expect(twiceSpaced.json.error.message).toBe('The CSV file\'s header names the "Job-Role" column more than once; keep one. Nobody was added.');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'cara@example.org').executeTakeFirst()).toBeUndefined();
  });

  it('office staff import staff only, into their own organisation; others may not import', async () => {
    const org = await t.org();
    const other = await t.org();
    const office = await t.user('office', org.id);
    const boss = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: 'name,email,role\nBoss,boss@example.org,admin\n', headers: csv });
    expect(boss.json.error.details.rows).toEqual([{ line: 2, message: 'Office staff can add staff only; ask an administrator to add “admin” accounts.' }]);
    expect((await t.request('POST', `/api/orgs/${other.id}/users/import?dryRun=true`, { as: office, body: 'name,email\nX,x@example.org\n', headers: csv })).status).toBe(403);
    const staff = await t.user('staff', org.id);
    expect((await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: staff, body: 'name,email\nX,x@example.org\n', headers: csv })).status).toBe(403);
  });

  it('stops reading a file at the first row over 5,000 and says so; blank lines do not hide rows', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const post = (body: string) => t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body, headers: csv });
    const tooMany = 'A CSV file may hold at most 5,000 people; this one has more than 5,000. Split it into several files and import each. Nobody was added.';
    // Almost 1 MiB of tiny rows: refused for the limit.
    const huge = await post(`name,email\n${'a,b\n'.repeat(262_000)}`);
    expect(huge.status).toBe(400);
    expect(huge.json.error).toMatchObject({ code: 'validation_failed', message: tooMany });
    // Rows past the limit are not read at all: a broken one there is not what the answer is about.
    const person = (i: number) => `Person ${i},p${i}@example.org,staff\n`;
    const people = (n: number, gap = '') => Array.from({ length: n }, (_, i) => person(i) + gap).join('');
    const brokenTail = await post(`name,email,role\n${people(5_001)}"never closed,x@example.org\n`);
    expect(brokenTail.json.error.message).toBe(tooMany);
    // Rows are counted, not lines: 5,001 people between blank lines are refused, 5,000 are read.
    expect((await post(`name,email,role\n${people(5_001, '\n\n')}`)).json.error.message).toBe(tooMany);
    const most = await post(`name,email,role\n${people(5_000, '\n')}`);
    expect(most.status, most.text).toBe(200);
    expect(most.json.lines).toHaveLength(5_000);
    expect(await t.db.selectFrom('users').select('id').where('org_id', '=', org.id).execute()).toHaveLength(1);
  });

  it('a file over 1 MB is refused as such, and adds nobody, even where the site takes larger requests', async () => {
    const big = await makeTestContext({ config: { maxBodyBytes: 4 * 1024 * 1024 } });
    try {
      const org = await big.org();
      const office = await big.user('office', org.id);
      // 40 people padded with long names to just over 1 MiB: few rows, so only the size refuses it.
      const line = (i: number) => `${'Long Name '.repeat(2_700)}${i},p${i}@example.org,staff\n`;
      const body = `name,email,role\n${Array.from({ length: 40 }, (_, i) => line(i)).join('')}`;
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
      const r = await big.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers: csv });
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'validation_failed', message: 'A CSV file may be at most 1 MB; this one is larger. Split it into several files and import each. Nobody was added.' });
      expect(await big.db.selectFrom('users').select('id').where('org_id', '=', org.id).execute()).toHaveLength(1);
      // Just under the limit it is read (and each over-long name refused on its own line).
      const under = `name,email,role\n${Array.from({ length: 38 }, (_, i) => line(i)).join('')}`;
      expect(Buffer.byteLength(under)).toBeLessThan(1024 * 1024);
      const read = await big.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body: under, headers: csv });
      expect(read.status).toBe(400);
      expect(read.json.error.details.rows[0]).toEqual({ line: 2, message: 'The name is longer than 200 characters.' });
    } finally {
      await big.close();
    }
  });
});
