/**
 * A search pasted from a spreadsheet (two cells: "Ann<TAB>Smith") or with a line's end still on
 * it finds what the same words typed with a space find: the lists' shared schema (searchText,
 * shared/common.ts) reads tabs and line breaks as spaces, and a run of them as one, before it
 * checks the text. Ordinary spaces are left as typed: a name stored with two spaces (pasted from
 * a CSV export) is found by its exact text. Every other control character is still refused with
 * a clear 400, on both databases alike. Checked on the lists an exploratory tester found refusing a pasted tab:
 * People (/api/users), an organisation's people, Who is coming and Training coverage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

/** The same search, as typed (a space) and as pasted (a tab, line breaks, runs of them, around it too). */
const PASTED = (a: string, b: string) => [`${a}\t${b}`, `${a}\t\t${b}`, `${a}\r\n${b}`, `${a}\n${b}`, `${a}\r${b}`, `\t${a}\t\n${b}\r\n`, ` ${a}\r\n\t${b} `];
/** Control characters that are no whitespace a paste brings: still refused. */
const REFUSED = ['\u0000', '\u0007', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085'];

async function fixture() {
  const admin = await t.user('admin');
  const oak = await t.org('Oak Hill Primary');
  const elm = await t.org('Elm Vale Academy');
  const office = await t.user('office', oak.id, 'Olive Office');
  const ann = await t.user('staff', oak.id, 'Ann Smith');
  const andy = await t.user('staff', oak.id, 'Ann Smithers-Jones');
  await t.user('staff', oak.id, 'Ann Jones');
  await t.user('staff', oak.id, 'Bob Smith');
  await t.user('staff', elm.id, 'Eve Elm');
  const session = await t.session({ title: 'Pasted searches', capacity: { online: 10 } });
  for (const who of [ann, andy]) expect((await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: who, body: {} })).status).toBe(201);
  expect((await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: await t.user('staff', elm.id, 'Cal Smith'), body: {} })).status).toBe(201);
  return { admin, office, oak, session };
}

describe('a search with a tab or line breaks in it (pasted) finds what the same search with a space finds', () => {
  it('on People, an organisation’s people, Who is coming and Training coverage; other control characters are refused with a clear 400', async () => {
    const { admin, office, oak, session } = await fixture();
    const lists = [
      { path: (q: string) => `/api/users?q=${encodeURIComponent(q)}`, as: admin, words: ['Ann', 'Smith'], names: (j: any) => j.items.map((p: { name: string }) => p.name), total: (j: any) => j.total, param: 'q' },
      { path: (q: string) => `/api/orgs/${oak.id}/users?q=${encodeURIComponent(q)}`, as: office, words: ['Ann', 'Smith'], names: (j: any) => j.items.map((p: { name: string }) => p.name), total: (j: any) => j.total, param: 'q' },
      { path: (q: string) => `/api/sessions/${session.id}/attendees?q=${encodeURIComponent(q)}`, as: session.trainer, words: ['Ann', 'Smith'], names: (j: any) => j.items.map((p: { name: string }) => p.name), total: (j: any) => j.total, param: 'q' },
      { path: (q: string) => `/api/reach/coverage?orgsQ=${encodeURIComponent(q)}`, as: admin, words: ['Oak', 'Hill'], names: (j: any) => j.byOrg.map((o: { name: string }) => o.name), total: (j: any) => j.byOrgTotal, param: 'orgsQ' },
    ];
    for (const list of lists) {
      const typed = await t.request('GET', list.path(list.words.join(' ')), { as: list.as });
      expect(typed.status, list.path('')).toBe(200);
      const found = list.names(typed.json);
      // Something, and not everything: the search narrows the list.
      expect(found.length, list.path('')).toBeGreaterThan(0);
      const all = await t.request('GET', list.path(''), { as: list.as });
      expect(list.total(all.json), list.path('')).toBeGreaterThan(list.total(typed.json));
      for (const q of PASTED(list.words[0]!, list.words[1]!)) {
        const pasted = await t.request('GET', list.path(q), { as: list.as });
        expect(pasted.status, `${list.path('')} ${JSON.stringify(q)}: ${pasted.text}`).toBe(200);
        expect(list.names(pasted.json), JSON.stringify(q)).toEqual(found);
        expect(list.total(pasted.json), JSON.stringify(q)).toBe(list.total(typed.json));
      }
      for (const c of REFUSED) {
        const refused = await t.request('GET', list.path(`${list.words[0]}${c}${list.words[1]}`), { as: list.as });
        expect(refused.status, `${list.path('')} ${JSON.stringify(c)}`).toBe(400);
        expect(refused.json.error.code).toBe('validation_failed');
        expect(refused.json.error.message).toBe(`${list.param} must not contain control characters`);
      }
    }
    // The names found are the ones holding the words with a space between them.
    expect((await t.request('GET', `/api/users?q=${encodeURIComponent('Ann\tSmith')}`, { as: admin })).json.items.map((p: { name: string }) => p.name).sort()).toEqual(['Ann Smith', 'Ann Smithers-Jones']);
    // Only whitespace, pasted: no search (the whole list), as an empty search is.
    const blank = await t.request('GET', `/api/users?q=${encodeURIComponent('\t\r\n')}`, { as: admin });
    expect(blank.status).toBe(200);
    expect(blank.json.total).toBe((await t.request('GET', '/api/users', { as: admin })).json.total);
  });

  it('ordinary spaces are kept as typed: a name stored with two spaces is found by its exact text, and a tab between its words still searches as one space', async () => {
    const admin = await t.user('admin');
    const oak = await t.org('Oak Hill Primary');
    await t.user('staff', oak.id, 'Ann  Smith'); // two spaces, as a CSV export may hold it
    await t.user('staff', oak.id, 'Ann Smith');
    await t.user('staff', oak.id, 'Bob Jones');
    const names = async (q: string) => {
      const r = await t.request('GET', `/api/users?q=${encodeURIComponent(q)}`, { as: admin });
      expect(r.status, `${JSON.stringify(q)}: ${r.text}`).toBe(200);
      return { names: r.json.items.map((p: { name: string }) => p.name).sort() as string[], total: r.json.total as number };
    };
    // Its exact text finds it (and only it): the two spaces are not read as one.
    expect(await names('Ann  Smith')).toEqual({ names: ['Ann  Smith'], total: 1 });
    expect(await names('  Ann  Smith  ')).toEqual({ names: ['Ann  Smith'], total: 1 }); // trimmed, as before
    // One space finds the name written with one space.
    expect(await names('Ann Smith')).toEqual({ names: ['Ann Smith'], total: 1 });
    // A pasted tab (or a run of tabs and line breaks) is one space, as typed.
    expect(await names('Ann\tSmith')).toEqual({ names: ['Ann Smith'], total: 1 });
    expect(await names('Ann\t\r\nSmith')).toEqual({ names: ['Ann Smith'], total: 1 });
    // A space typed next to a pasted tab is kept: two spaces, the name with two spaces.
    expect(await names('Ann \tSmith')).toEqual({ names: ['Ann  Smith'], total: 1 });
  });

  it('the limit is counted after the tabs and line breaks are read as one space: 200 characters with a pasted tab run among them are taken, 201 refused', async () => {
    const admin = await t.user('admin');
    const fits = `${'a'.repeat(100)}\t\t\t${'b'.repeat(99)}`; // 200 once the tabs are one space
    expect((await t.request('GET', `/api/users?q=${encodeURIComponent(fits)}`, { as: admin })).status).toBe(200);
    const over = `${'a'.repeat(100)}\t${'b'.repeat(100)}`;
    const refused = await t.request('GET', `/api/users?q=${encodeURIComponent(over)}`, { as: admin });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe('q is too long: at most 200 characters');
  });
});
