/**
 * What a trainer needs to run their sessions: their own list, a series, cancel with a count,
 * who is coming (and as CSV), moving people between seat kinds, removing a booking with a
 * reason, messaging attendees; and that only the session's own trainers (or an admin) can.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const hybrid = { title: 'ADHD in the classroom', mode: 'hybrid', venue: 'Oak hall', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { inPerson: 1, online: 2 } };

async function book(sessionId: string, who: TestUser, seat?: 'in_person' | 'online', as?: TestUser) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: as ?? who, body: { seat, ...(as ? { userId: who.id } : {}) } });
  expect(res.status).toBe(201);
  return res.json as { id: string; status: string };
}

describe('my sessions', () => {
  it('lists only the sessions a trainer runs, upcoming soonest first or past latest first, with seats, holds, people and attendance', async () => {
    const trainer = await t.user('trainer');
    const other = await t.user('trainer');
    const school = await t.org('Hill Primary');
    const s = await t.session({ ...hybrid }, trainer);
    await t.session({ ...hybrid, title: 'Not mine' }, other);
    await t.session({ ...hybrid, title: 'Later', startsAt: '2026-04-10T16:00:00Z', endsAt: '2026-04-10T17:00:00Z' }, trainer);
    await t.session({ ...hybrid, title: 'Held last month', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const a = await t.user('staff', school.id);
    const b = await t.user('staff', school.id);
    const c = await t.user('staff');
    await book(s.id, a, 'in_person');
    await book(s.id, b, 'in_person'); // waits
    await book(s.id, c, 'online');

    const res = await t.request('GET', '/api/me/sessions', { as: trainer });
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: any) => i.session.title)).toEqual(['ADHD in the classroom', 'Later']);
    const first = res.json.items[0];
    expect(first.session.seats.inPerson).toMatchObject({ confirmed: 1, waitlisted: 1 });
    expect(first.session.seats.online).toMatchObject({ confirmed: 1 });
    expect(first.held).toEqual({ inPerson: 0, online: 1, claimed: 0 });
    expect(first.people).toBe(3);
    expect(first.attended).toBeNull();

    const past = await t.request('GET', '/api/me/sessions?when=past', { as: trainer });
    expect(past.json.items.map((i: any) => i.session.title)).toEqual(['Held last month']);
    expect(past.json.items[0].attended).toBe(0);

    expect((await t.request('GET', '/api/me/sessions', { as: a })).status).toBe(403);
    const admin = await t.user('admin');
    expect((await t.request('GET', '/api/me/sessions', { as: admin })).json.total).toBe(3);
  });

  it('a session that has just ended counts as attended those its register counts, before and after its outcomes are written', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, mode: 'in_person', startsAt: '2026-03-01T10:00:00Z', endsAt: '2026-03-01T11:00:00Z', capacity: { inPerson: 5 } }, trainer);
    const bookings = [];
    for (let i = 0; i < 3; i++) bookings.push(await book(s.id, await t.user('staff'), 'in_person'));
    t.clock.set('2026-03-01T11:05:00.000Z'); // ended; its outcomes are written 15 minutes after the end
    for (const b of bookings.slice(0, 2)) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    const register = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json;
    expect(register.items.filter((r: any) => r.attended)).toHaveLength(2);
    const attendedNow = async () => (await t.request('GET', '/api/me/sessions?when=past', { as: trainer })).json.items.find((i: any) => i.session.id === s.id).attended;
    expect(await attendedNow()).toBe(2);
    t.clock.set('2026-03-01T11:20:00.000Z');
    expect(await recordAttendanceOutcomes(t.deps)).toBeGreaterThan(0);
    expect(await attendedNow()).toBe(2);
  });
});

describe('series, zero seats and cancelling', () => {
  it('publishes the same session on several dates, each its own session, all or none', async () => {
    const trainer = await t.user('trainer');
    const weeks = [0, 7, 14].map((d) => ({ startsAt: new Date(Date.parse('2026-03-10T16:00:00Z') + d * 86_400_000).toISOString(), endsAt: new Date(Date.parse('2026-03-10T17:00:00Z') + d * 86_400_000).toISOString() }));
    const res = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session: { ...hybrid, bookingClosesAt: '2026-03-09T16:00:00Z' }, occurrences: weeks } });
    expect(res.status).toBe(201);
    expect(res.json.items.map((s: any) => s.startsAt)).toEqual(weeks.map((w) => w.startsAt));
    expect(new Set(res.json.items.map((s: any) => s.id)).size).toBe(3);
    // The cut-off keeps its distance before each start.
    expect(res.json.items.map((s: any) => s.bookingClosesAt)).toEqual(['2026-03-09T16:00:00.000Z', '2026-03-16T16:00:00.000Z', '2026-03-23T16:00:00.000Z']);
    expect(res.json.items.every((s: any) => s.trainerIds.includes(trainer.id))).toBe(true);

    const bad = await t.request('POST', '/api/sessions/series', { as: trainer, body: { session: hybrid, occurrences: [weeks[0], { startsAt: '2026-04-01T10:00:00Z', endsAt: '2026-04-01T09:00:00Z' }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('occurrences.1.endsAt');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(3);

    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', '/api/sessions/series', { as: staff, body: { session: hybrid, occurrences: weeks } })).status).toBe(403);
  });

  it('refuses 0 seats of a kind the session offers, on create and on edit', async () => {
    const trainer = await t.user('trainer');
    const zero = await t.request('POST', '/api/sessions', { as: trainer, body: { ...hybrid, capacity: { inPerson: 0, online: 5 } } });
    expect(zero.status).toBe(400);
    expect(zero.json.error.details.issues[0].path).toBe('capacity.inPerson');
    const s = await t.session(hybrid, trainer);
    const edit = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { capacity: { online: 0 } } });
    expect(edit.status).toBe(400);
    expect(edit.json.error.details.issues[0].path).toBe('capacity.online');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.capacity.online).toBe(2);
  });

  it('cancelling says how many people were told, and each of them is told the reason', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer);
    for (const seat of ['in_person', 'in_person', 'online'] as const) await book(s.id, await t.user('staff'), seat);
    const res = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: { reason: 'Trainer unwell' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', told: 3 });
    const mails = await t.mails('session_cancelled');
    expect(mails).toHaveLength(3);
    expect(mails[0]!.message.text).toContain('Reason given: Trainer unwell');
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: {} })).json.told).toBe(0);
  });
});

describe('who is coming', () => {
  it('lists booked, offered and waiting people with school, seat, status, queue place and who booked them; CSV too', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer);
    const school = await t.org('Hill Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const asha = await t.user('staff', school.id, 'Asha Patel');
    const ben = await t.user('staff', null, '=cmd Ben');
    const cleo = await t.user('staff', null, 'Cleo Wu');
    await book(s.id, asha, 'in_person', office);
    await book(s.id, ben, 'in_person');
    await book(s.id, cleo, 'in_person');
    const gone = await t.user('staff');
    const cancelled = await book(s.id, gone, 'online');
    expect((await t.request('DELETE', `/api/bookings/${cancelled.id}`, { as: gone })).status).toBe(200);

    const res = await t.request('GET', `/api/sessions/${s.id}/attendees`, { as: trainer });
    expect(res.status).toBe(200);
    const rows = res.json.items.map((r: any) => [r.name, r.orgName, r.seat, r.status, r.position, r.bookedBy]);
    expect(rows).toEqual([
      ['Asha Patel', 'Hill Primary', 'in_person', 'confirmed', null, 'Olu Office'],
      ['=cmd Ben', null, 'in_person', 'waitlisted', 1, null],
      ['Cleo Wu', null, 'in_person', 'waitlisted', 2, null],
    ]);

    const csv = await t.request('GET', `/api/sessions/${s.id}/attendees.csv`, { as: trainer });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('name,email,school,seat,status,waitlist position,booked by,booked at,audience,time zone');
    expect(lines[1]).toMatch(/^Asha Patel,.*,Hill Primary,in person,confirmed,,Olu Office,/);
    expect(lines[2]!.startsWith("'=cmd Ben,")).toBe(true); // a formula-looking name is kept as text
    expect(lines[3]).toMatch(/^Cleo Wu,.*,,in person,waitlisted,2,themselves,/);
    expect(lines).toHaveLength(5); // header, three people, the final line break
  });

  it('pages, narrows and orders who is coming in the database, with how many match, how many places in all, and the whole session’s counts', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 2, online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 }, trainer);
    const hill = await t.org('Hill Primary');
    const oak = await t.org('Oak_Academy');
    const ask = async (query = '') => {
      const res = await t.request('GET', `/api/sessions/${s.id}/attendees${query}`, { as: trainer });
      expect(res.status, query).toBe(200);
      return res.json as { items: { name: string; status: string; seat: string; position: number | null }[]; total: number; everyone: number; counts: Record<string, number>; offersUntil: string[] };
    };
    // Booking order: Zoë, ábel, Cara (seats); Dev, Eve, Finn, Gus waiting; Hana cancelled.
    const people: Record<string, TestUser> = {};
    for (const [name, org, seat] of [['Zoë Young', hill, 'in_person'], ['ábel Abbot', oak, 'in_person'], ['Cara Cole', null, 'online'], ['Dev Dean', hill, 'in_person'], ['Eve Evans', oak, 'online'], ['Finn Ford', oak, 'online'], ['Gus Gray', hill, 'in_person'], ['Hana Hill', null, 'online']] as const) {
      people[name] = await t.user('staff', org?.id ?? null, name);
      await book(s.id, people[name]!, seat);
    }
    const hana = (await t.request('GET', '/api/me/bookings', { as: people['Hana Hill']! })).json.items[0];
    expect((await t.request('DELETE', `/api/bookings/${hana.id}`, { as: people['Hana Hill']! })).status).toBe(200);
    const all = await ask();
    expect(all.items.map((r) => r.name)).toEqual(['Zoë Young', 'ábel Abbot', 'Cara Cole', 'Dev Dean', 'Eve Evans', 'Finn Ford', 'Gus Gray']);
    expect([all.total, all.everyone]).toEqual([7, 7]);
    // A page at a time, queue places counted in the whole queue of each seat kind.
    const second = await ask('?limit=3&offset=3');
    expect(second.items.map((r) => [r.name, r.position])).toEqual([['Dev Dean', 1], ['Eve Evans', null], ['Finn Ford', 1]]);
    expect([second.total, second.everyone]).toEqual([7, 7]);
    expect((await ask('?limit=3&offset=9')).items).toEqual([]);
    // Narrowed: by status ("confirmed" is everyone with a seat), seat kind, and any part of a name, email or school, any case.
    expect((await ask('?status=waitlisted&seat=online')).items.map((r) => r.name)).toEqual(['Finn Ford']);
    const seated = await ask('?status=confirmed');
    expect([seated.items.map((r) => r.name), seated.total, seated.everyone]).toEqual([['Zoë Young', 'ábel Abbot', 'Cara Cole', 'Eve Evans'], 4, 7]);
    expect((await ask('?q=HILL')).items.map((r) => r.name)).toEqual(['Zoë Young', 'Dev Dean', 'Gus Gray']);
    expect((await ask('?q=ÁBEL')).items.map((r) => r.name)).toEqual(['ábel Abbot']);
    expect((await ask(`?q=${encodeURIComponent(people['Cara Cole']!.email.toUpperCase())}`)).items.map((r) => r.name)).toEqual(['Cara Cole']);
    // "_" is a character searched for, not any character.
    expect((await ask('?q=k_a')).items.map((r) => r.name)).toEqual(['ábel Abbot', 'Eve Evans', 'Finn Ford']);
    expect((await ask('?q=%25')).total).toBe(0);
    // Ordered by name (any case, accents with their letter), school (none first), status; ties in booking order.
    expect((await ask('?sort=name')).items.map((r) => r.name)).toEqual(['ábel Abbot', 'Cara Cole', 'Dev Dean', 'Eve Evans', 'Finn Ford', 'Gus Gray', 'Zoë Young']);
    expect((await ask('?sort=school')).items.map((r) => r.name)).toEqual(['Cara Cole', 'Zoë Young', 'Dev Dean', 'Gus Gray', 'ábel Abbot', 'Eve Evans', 'Finn Ford']);
    expect((await ask('?sort=status&limit=5')).items.map((r) => [r.name, r.status])).toEqual([['Zoë Young', 'confirmed'], ['ábel Abbot', 'confirmed'], ['Cara Cole', 'confirmed'], ['Eve Evans', 'confirmed'], ['Dev Dean', 'waitlisted']]);
    expect(all.counts).toEqual({ confirmed: 4, offered: 0, waitlisted: 3, attended: 0, absent: 0 });
    // Zoë cancels: Dev is offered her seat; once the offer's time runs out (before the sweep) it is no longer counted as offered.
    const zoe = (await t.request('GET', '/api/me/bookings', { as: people['Zoë Young']! })).json.items[0];
    expect((await t.request('DELETE', `/api/bookings/${zoe.id}`, { as: people['Zoë Young']! })).status).toBe(200);
    expect((await ask('?status=offered')).items.map((r) => r.name)).toEqual(['Dev Dean']);
    const offering = await ask();
    expect(offering.counts).toEqual({ confirmed: 3, offered: 1, waitlisted: 2, attended: 0, absent: 0 });
    expect(offering.offersUntil).toEqual(['2026-03-01T10:00:00.000Z']);
    t.clock.advance(2 * 60 * 60_000);
    const lapsed = await ask();
    expect([lapsed.counts, lapsed.offersUntil]).toEqual([{ confirmed: 3, offered: 0, waitlisted: 2, attended: 0, absent: 0 }, []]);
    // A query it cannot use is refused, saying which part.
    for (const bad of ['?status=gone', '?seat=both', '?sort=age', '?limit=0', '?limit=201', '?offset=-1', `?q=${'x'.repeat(201)}`, '?q=%00']) {
      const res = await t.request('GET', `/api/sessions/${s.id}/attendees${bad}`, { as: trainer });
      expect(res.status, bad).toBe(400);
      expect(res.json.error.code, bad).toBe('validation_failed');
    }
  });

  it('orders names alphabetically the same on both databases, letters with marks or strokes beside their plain letter', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 10, online: 10 } }, trainer);
    for (const name of ['Zed Zane', 'Łukasz Lis', 'ømar Olsen', 'Luke Lamb', 'Æsa Ames', 'Adam Ash']) await book(s.id, await t.user('staff', null, name), 'online');
    const names = (await t.request('GET', `/api/sessions/${s.id}/attendees?sort=name`, { as: trainer })).json.items.map((r: { name: string }) => r.name);
    expect(names).toEqual(['Adam Ash', 'Æsa Ames', 'Łukasz Lis', 'Luke Lamb', 'ømar Olsen', 'Zed Zane']);
  });

  it('the spreadsheet gives when each person booked as the session’s wall clock in England (BST in summer), as the office’s export does', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, startsAt: '2026-07-10T15:00:00Z', endsAt: '2026-07-10T16:00:00Z' }, trainer);
    t.clock.set('2026-06-10T08:30:00.000Z');
    await book(s.id, await t.user('staff', null, 'Gil Grant'), 'online');
    const csv = await t.request('GET', `/api/sessions/${s.id}/attendees.csv`, { as: trainer });
    const [head, row] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    const cells = Object.fromEntries(head!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cells['booked at']).toBe('2026-06-10 09:30');
  });

  it('only the session’s own trainers and admins see who is coming or change it', async () => {
    const trainer = await t.user('trainer');
    const stranger = await t.user('trainer');
    const org = await t.org();
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id);
    const s = await t.session(hybrid, trainer);
    const b = await book(s.id, staff, 'in_person');
    for (const who of [stranger, office, staff]) {
      expect((await t.request('GET', `/api/sessions/${s.id}/attendees`, { as: who })).status).toBe(403);
      expect((await t.request('GET', `/api/sessions/${s.id}/attendees.csv`, { as: who })).status).toBe(403);
      // The booking exists for its owner and their office only: to another trainer it is missing (see below).
      // Moving it to the other seat kind is the owner's and their office's too (test/api/move-own-seat.test.ts); taking them off is not.
      const refused = who === stranger ? 404 : 403;
      if (who === stranger) expect((await t.request('POST', `/api/bookings/${b.id}/seat`, { as: who, body: { seat: 'online' } })).status).toBe(404);
      expect((await t.request('POST', `/api/bookings/${b.id}/remove`, { as: who, body: { reason: 'No' } })).status).toBe(refused);
      expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: who, body: { text: 'Hello' } })).status).toBe(403);
    }
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: staff })).json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await t.mails('trainer_message')).toHaveLength(0);
    const admin = await t.user('admin');
    expect((await t.request('GET', `/api/sessions/${s.id}/attendees`, { as: admin })).status).toBe(200);
  });

  it('answers moving or removing a booking as a missing one to anyone who may not see it, so no answer tells that it exists', async () => {
    const trainer = await t.user('trainer');
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const s = await t.session(hybrid, trainer);
    const b = await book(s.id, staff, 'in_person');
    const elsewhere = await t.org();
    for (const who of [await t.user('trainer'), await t.user('staff', elsewhere.id), await t.user('office', elsewhere.id)]) {
      for (const [action, body] of [['seat', { seat: 'online' }], ['remove', { reason: 'No' }]] as const) {
        const missing = await t.request('POST', `/api/bookings/${randomUUID()}/${action}`, { as: who, body });
        const real = await t.request('POST', `/api/bookings/${b.id}/${action}`, { as: who, body });
        expect([action, real.status, real.json.error]).toEqual([action, 404, missing.json.error]);
      }
    }
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: staff })).json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await t.mails('removed')).toHaveLength(0);
  });
});

describe('moving and removing people', () => {
  it('moves a person to a free seat of the other kind; the seat left goes to the head of the queue; the person is told', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer); // 1 in person, 2 online
    const asha = await t.user('staff', null, 'Asha');
    const ben = await t.user('staff', null, 'Ben');
    const a = await book(s.id, asha, 'in_person');
    const b = await book(s.id, ben, 'in_person');
    expect(b.status).toBe('waitlisted');
    const res = await t.request('POST', `/api/bookings/${a.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ seat: 'online', status: 'confirmed' });
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: ben })).json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    const [told] = await t.mails('seat_changed');
    expect(told!.to_email).toBe(asha.email);
    expect(told!.message.text).toContain('online seat');
  });

  it('refuses a move when the other kind is full, or the session has no seats of that kind', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } }, trainer);
    const a = await book(s.id, await t.user('staff'), 'in_person');
    await book(s.id, await t.user('staff'), 'online');
    const full = await t.request('POST', `/api/bookings/${a.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(full.status).toBe(409);
    expect(full.json.error.message).toMatch(/no free online seat/);
    const online = await t.session({ title: 'Online only', startsAt: hybrid.startsAt, endsAt: hybrid.endsAt }, trainer);
    const o = await book(online.id, await t.user('staff'));
    const none = await t.request('POST', `/api/bookings/${o.id}/seat`, { as: trainer, body: { seat: 'in_person' } });
    expect(none.status).toBe(400);
    expect(none.json.error.message).toBe('This session has no in-person seats.');
    expect(none.json.error.details.issues).toEqual([{ path: 'seat', message: 'not offered by this session' }]);
    expect((await t.request('GET', `/api/sessions/${s.id}/attendees`, { as: trainer })).json.items.map((r: any) => r.seat)).toEqual(['in_person', 'online']);
  });

  it('removes a booking with a reason sent to that person; the queue moves up; a reason is required', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer);
    const asha = await t.user('staff');
    const ben = await t.user('staff');
    const a = await book(s.id, asha, 'in_person');
    const b = await book(s.id, ben, 'in_person');
    expect((await t.request('POST', `/api/bookings/${a.id}/remove`, { as: trainer, body: { reason: '' } })).status).toBe(400);
    const res = await t.request('POST', `/api/bookings/${a.id}/remove`, { as: trainer, body: { reason: 'Booked twice under two names' } });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('cancelled');
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: ben })).json.status).toBe('confirmed');
    const [mail] = await t.mails('removed');
    expect(mail!.to_email).toBe(asha.email);
    expect(mail!.message.text).toContain('Reason given: Booked twice under two names');
    expect(mail!.message.parts.ical?.method).toBe('CANCEL');
  });
});

describe('who is told of a new time or place', () => {
  const changedTo = async (userId: string) => (await t.db.selectFrom('outbox').select('kind').where('user_id', '=', userId).where('kind', '=', 'session_changed').execute()).length;

  it('a new venue alone is news to the in-person places only: an online seat’s invite names no venue', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer); // 1 in person, 2 online
    const [hall, web, queued] = [await t.user('staff'), await t.user('staff'), await t.user('staff')];
    await book(s.id, hall, 'in_person');
    await book(s.id, web, 'online');
    expect((await book(s.id, queued, 'in_person')).status).toBe('waitlisted');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { venue: 'Elm hall' } })).status).toBe(200);
    expect([await changedTo(hall.id), await changedTo(web.id), await changedTo(queued.id)]).toEqual([1, 0, 1]);
    // A new time is news to everyone.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { startsAt: '2026-03-10T15:00:00Z' } })).status).toBe(200);
    expect([await changedTo(hall.id), await changedTo(web.id), await changedTo(queued.id)]).toEqual([2, 1, 2]);
  });

  it('an offer whose time ran out before the move (not yet swept) is told it expired, not that the session moved', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ title: 'Offers', mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 }, trainer);
    const [a, w] = [await t.user('staff'), await t.user('staff')];
    const first = await book(s.id, a, 'online');
    expect((await book(s.id, w, 'online')).status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${first.id}`, { as: a })).status).toBe(200);
    t.clock.set('2026-03-01T10:30:00.000Z'); // the hour's offer has run out; no sweep yet
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { startsAt: '2026-03-10T15:00:00Z' } })).status).toBe(200);
    expect(await changedTo(w.id)).toBe(0);
    expect((await t.db.selectFrom('outbox').select('kind').where('user_id', '=', w.id).execute()).map((r) => r.kind)).toContain('offer_expired');
  });

  it('correcting the times of a session that is over tells no one: not those who waited for a seat, nor those who had one', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } }, trainer);
    const [there, missed, queued] = [await t.user('staff'), await t.user('staff'), await t.user('staff')];
    await book(s.id, there, 'online');
    await book(s.id, missed, 'in_person');
    expect((await book(s.id, queued, 'online')).status).toBe('waitlisted');
    t.clock.set('2026-03-11T09:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    const fixed = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { endsAt: '2026-03-10T16:50:00Z' } });
    expect(fixed.status).toBe(200);
    expect(fixed.json.endsAt).toBe('2026-03-10T16:50:00.000Z');
    expect([await changedTo(there.id), await changedTo(missed.id), await changedTo(queued.id)]).toEqual([0, 0, 0]);
  });

  it('a session not yet over, with people on it, is not moved to times already over (a mistyped year), before it begins or while under way: refused beside the start, nothing changed, no one recorded absent', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid }, trainer); // 10 March 2026; now is 1 March
    const [a, b] = [await t.user('staff'), await t.user('staff')];
    const booked = [await book(s.id, a, 'online'), await book(s.id, b, 'online')];
    const refused = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { startsAt: '2025-03-10T16:00:00Z', endsAt: '2025-03-10T17:00:00Z' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('validation_failed');
    expect(refused.json.error.message).toBe('2 people are booked on or waiting for this session, which has not ended, and the new times are already over: no one would be told, and anyone booked would be recorded absent. Check the date and times; if it ended early, change only its end.');
    expect(refused.json.error.details.issues.map((i: any) => i.path)).toEqual(['startsAt']);
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([after.startsAt, after.endsAt]).toEqual(['2026-03-10T16:00:00.000Z', '2026-03-10T17:00:00.000Z']);
    expect((await t.request('GET', `/api/bookings/${booked[0]!.id}`, { as: a })).json.status).toBe('confirmed');
    expect((await t.request('GET', `/api/bookings/${booked[1]!.id}`, { as: b })).json.status).toBe('confirmed');
    // A session no one is on may be put in the past (to record one that took place), and one
    // under way may have its end brought back to when it finished.
    const empty = await t.session({ ...hybrid, title: 'No one yet' }, trainer);
    expect((await t.request('PATCH', `/api/sessions/${empty.id}`, { as: trainer, body: { startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' } })).status).toBe(200);
    t.clock.set('2026-03-10T16:40:00.000Z');
    // Under way: moved wholly into the past (a mistyped date) is refused too; its end brought back is not.
    const underWay = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { startsAt: '2025-03-10T16:00:00Z', endsAt: '2025-03-10T17:00:00Z' } });
    expect(underWay.status).toBe(400);
    expect(underWay.json.error.details.issues.map((i: any) => i.path)).toEqual(['startsAt']);
    const cut = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { endsAt: '2026-03-10T16:30:00Z' } });
    expect(cut.status).toBe(200);
  });
});

describe('changing the mode', () => {
  const hold = async (sessionId: string, as: TestUser, orgId: string, seat: 'in_person' | 'online', seats: number) =>
    expect((await t.request('PUT', `/api/sessions/${sessionId}/holds`, { as, body: { orgId, seat, seats } })).status).toBe(204);
  const heldNow = async (sessionId: string, as: TestUser) => ((await t.request('GET', `/api/sessions/${sessionId}/holds`, { as })).json.items as any[]).map((h) => [h.orgName, h.seat, h.seats]);

  it('a hybrid session with online seats held for a school is not made in person only: refused at Mode, naming the school and what to do; nothing changes', async () => {
    const trainer = await t.user('trainer');
    const school = await t.org('Hill Primary');
    const s = await t.session({ ...hybrid }, trainer);
    await hold(s.id, trainer, school.id, 'online', 2);
    const refused = await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { mode: 'in_person' } });
    expect(refused.status).toBe(409);
    const said = '2 online seats are held for Hill Primary, which a session in person only does not have. Release them on Seat holds first, or keep it hybrid.';
    expect(refused.json.error).toMatchObject({ code: 'capacity_below_confirmed', message: said, details: { seat: 'online', held: 2, issues: [{ path: 'mode', message: said }] } });
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([after.mode, after.seats.inPerson.capacity, after.seats.online.capacity]).toEqual(['hybrid', 1, 2]);
    expect(await heldNow(s.id, trainer)).toEqual([['Hill Primary', 'online', 2]]);
  });

  it('a hybrid session with in-person seats held for schools is not made online only: refused at Mode, naming each school; once the holds are released it is', async () => {
    const trainer = await t.user('trainer');
    const [hill, oak] = [await t.org('Hill Primary'), await t.org('Oak Academy')];
    const s = await t.session({ ...hybrid, capacity: { inPerson: 3, online: 2 } }, trainer);
    await hold(s.id, trainer, oak.id, 'in_person', 1);
    await hold(s.id, trainer, hill.id, 'in_person', 2);
    const toOnline = () => t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { mode: 'online', venue: null } });
    const refused = await toOnline();
    expect(refused.status).toBe(409);
    const said = '3 in-person seats are held for Hill Primary and Oak Academy, which a session online only does not have. Release them on Seat holds first, or keep it hybrid.';
    expect(refused.json.error).toMatchObject({ code: 'capacity_below_confirmed', message: said, details: { seat: 'in_person', held: 3, issues: [{ path: 'mode', message: said }] } });
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([after.mode, after.venue, after.seats.inPerson.capacity]).toEqual(['hybrid', 'Oak hall', 3]);
    // One school's hold released, the other's is still in the way; then none is.
    await hold(s.id, trainer, hill.id, 'in_person', 0);
    const one = await toOnline();
    expect(one.status).toBe(409);
    expect(one.json.error.message).toBe('1 in-person seat is held for Oak Academy, which a session online only does not have. Release it on Seat holds first, or keep it hybrid.');
    await hold(s.id, trainer, oak.id, 'in_person', 0);
    const done = await toOnline();
    expect(done.status, done.text).toBe(200);
    expect(done.json.mode).toBe('online');
  });
});

describe('moving and removing: the edges', () => {
  /** The SEQUENCE of the person's calendar event for a booking now, as their own feed has it (a waiting place has no invite to download). */
  const sequence = async (bookingId: string, as: TestUser) => {
    const feed = await t.request('GET', new URL((await t.request('GET', '/api/me/calendar', { as })).json.url).pathname);
    expect(feed.status, feed.text).toBe(200);
    return readCalendar(feed.text).events.find((e) => e.description.includes(`/bookings/${bookingId}`))!.sequence;
  };

  it('a move to the seat kind a person already has changes nothing; a waiting place moves to a full kind’s queue; a seat does not; each real move raises the SEQUENCE', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } }, trainer);
    const [p1, p2, p3] = [await t.user('staff', null, 'Asha'), await t.user('staff', null, 'Ben'), await t.user('staff', null, 'Cai')];
    const b1 = await book(s.id, p1, 'in_person');
    const b2 = await book(s.id, p2, 'online');
    const b3 = await book(s.id, p3, 'in_person');
    expect(b3.status).toBe('waitlisted');
    const same = await t.request('POST', `/api/bookings/${b1.id}/seat`, { as: trainer, body: { seat: 'in_person' } });
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await t.mails('seat_changed')).toHaveLength(0);

    const full = await t.request('POST', `/api/bookings/${b2.id}/seat`, { as: trainer, body: { seat: 'in_person' } });
    expect(full.status).toBe(409);
    expect(full.json.error.message).toBe('There is no free in-person seat to move Ben to.');

    const before = await sequence(b3.id, p3);
    const moved = await t.request('POST', `/api/bookings/${b3.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ seat: 'online', status: 'waitlisted' });
    expect(await sequence(b3.id, p3)).toBeGreaterThan(before);
    expect((await t.mails('seat_changed')).map((m) => m.to_email)).toEqual([p3.email]);
  });

  it('an offered seat moves with its offer; a move to online seats a session lacks says so', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, waitlistPolicy: 'offer', offerHoldMinutes: 60 }, trainer); // 1 in person, 2 online
    const [p1, p2] = [await t.user('staff'), await t.user('staff')];
    const b1 = await book(s.id, p1, 'in_person');
    const b2 = await book(s.id, p2, 'in_person');
    expect((await t.request('DELETE', `/api/bookings/${b1.id}`, { as: p1 })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${b2.id}`, { as: p2 })).json.status).toBe('offered');
    const moved = await t.request('POST', `/api/bookings/${b2.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ seat: 'online', status: 'offered' });

    const inPerson = await t.session({ title: 'In the hall', mode: 'in_person', venue: 'Oak hall', startsAt: hybrid.startsAt, endsAt: hybrid.endsAt, capacity: { inPerson: 2 } }, trainer);
    const h = await book(inPerson.id, await t.user('staff'));
    const none = await t.request('POST', `/api/bookings/${h.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(none.status).toBe(400);
    expect(none.json.error.message).toBe('This session has no online seats.');
  });

  it('removing twice tells the person once; a cancelled place cannot be moved; nor any place on a cancelled session', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer);
    const [asha, ben] = [await t.user('staff'), await t.user('staff')];
    const a = await book(s.id, asha, 'in_person');
    const b = await book(s.id, ben, 'online');
    const before = await sequence(a.id, asha);
    for (let i = 0; i < 2; i++) {
      const res = await t.request('POST', `/api/bookings/${a.id}/remove`, { as: trainer, body: { reason: 'Booked twice' } });
      expect(res.status).toBe(200);
      expect(res.json.status).toBe('cancelled');
    }
    expect(await t.mails('removed')).toHaveLength(1);
    expect(await sequence(a.id, asha)).toBeGreaterThan(before);
    const gone = await t.request('POST', `/api/bookings/${a.id}/seat`, { as: trainer, body: { seat: 'online' } });
    expect(gone.status).toBe(409);
    expect(gone.json.error).toMatchObject({ code: 'conflict', message: 'This place has been cancelled, so it can no longer be moved.' });

    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);
    const off = await t.request('POST', `/api/bookings/${b.id}/seat`, { as: trainer, body: { seat: 'in_person' } });
    expect(off.status).toBe(409);
    expect(off.json.error).toMatchObject({ code: 'session_cancelled', message: 'This session has been cancelled.' });
  });
});

describe('messaging attendees', () => {
  it('sends one message per person booked, and to those waiting only when asked, with the session’s details and link', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } }, trainer);
    const people = [await t.user('staff'), await t.user('staff'), await t.user('staff')];
    await book(s.id, people[0]!, 'in_person');
    await book(s.id, people[1]!, 'online');
    await book(s.id, people[2]!, 'online'); // waits
    const res = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text: 'Please bring a laptop.\n\nParking is at the back.' } });
    expect(res.status).toBe(201);
    expect(res.json.told).toBe(2);
    let mails = await t.mails('trainer_message');
    expect(mails.map((m) => m.to_email).sort()).toEqual([people[0]!.email, people[1]!.email].sort());
    expect(mails[0]!.message.subject).toBe(`Message from ${trainer.name}: ADHD in the classroom`);
    expect(mails[0]!.message.text).toContain(`${trainer.name} (trainer) has sent this message about the session:`);
    expect(mails[0]!.message.text).toContain('Please bring a laptop.');
    expect(mails[0]!.message.text).toContain('Parking is at the back.');
    expect(mails[0]!.message.text).toMatch(/Manage your booking: http:\/\/localhost:3000\/bookings\//);

    const withWaiting = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text: 'Room changed', includeWaiting: true } });
    expect(withWaiting.json.told).toBe(3);
    mails = await t.mails('trainer_message');
    expect(mails).toHaveLength(5);
    expect((await t.request('POST', `/api/sessions/${s.id}/messages`, { as: trainer, body: { text: '   ' } })).status).toBe(400);
    expect(await t.mails('trainer_message')).toHaveLength(5);
  });
});

describe('mail outbox', () => {
  it('an administrator can send a waiting message again now; others cannot', async () => {
    const trainer = await t.user('trainer');
    const s = await t.session(hybrid, trainer);
    await book(s.id, await t.user('staff'), 'online');
    const [row] = await t.mails('confirmed');
    await t.db.updateTable('outbox').set({ attempts: 3, last_error: 'Connection refused', next_attempt_at: '2026-03-01T10:00:00.000Z' }).where('id', '=', row!.id).execute();
    const admin = await t.user('admin');
    const list = await t.request('GET', '/api/outbox', { as: admin });
    expect(list.json.items.find((m: any) => m.id === row!.id)).toMatchObject({ status: 'pending', attempts: 3, lastError: 'Connection refused' });
    expect((await t.request('POST', `/api/outbox/${row!.id}/retry`, { as: trainer })).status).toBe(403);
    expect((await t.request('POST', `/api/outbox/${row!.id}/retry`, { as: admin })).status).toBe(204);
    const after = await t.db.selectFrom('outbox').select('next_attempt_at').where('id', '=', row!.id).executeTakeFirstOrThrow();
    expect(after.next_attempt_at).toBe('2026-03-01T09:00:00.000Z');
    expect((await t.request('POST', '/api/outbox/nope/retry', { as: admin })).status).toBe(404);
  });
});
