/**
 * DEMO=1: a believable, small world to click around in. A multi-academy trust with three
 * schools, people in every role, courses, and a month of sessions of every mode.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '../db/schema.js';
import { hashPassword } from './accounts/passwords.js';
import { insertOrg, insertUser } from './accounts/repository.js';
import type { Deps } from './platform/deps.js';
import { insertCourse, insertSession } from './sessions/repository.js';
import { bookingEndsOf } from './bookings/repository.js';

export async function seedDemo(deps: Deps): Promise<{ password: string; users: { email: string; name: string; role: Role }[] } | null> {
  const any = await deps.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const hash = await hashPassword(password, deps.config.passwordCostLog2);
  const now = deps.now();
  const created = now.toISOString();
  const users: { email: string; name: string; role: Role }[] = [];

  await deps.db.transaction().execute(async (trx) => {
    const trust = { id: randomUUID(), name: 'Riverside Learning Trust', kind: 'trust' as const, urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: created };
    await insertOrg(trx, trust);
    const schools = [
      { name: 'Riverside Primary School', kind: 'school' as const, urn: '100001', slug: 'riverside-primary' },
      { name: 'Hilltop Academy', kind: 'school' as const, urn: '100002', slug: 'hilltop' },
      { name: 'Little Acorns Nursery', kind: 'nursery' as const, urn: '100003', slug: 'little-acorns' },
    ];
    const people: [string, Role, string][] = [
      ['Amira Khan', 'staff', 'Class teacher'],
      ['Ben Evans', 'staff', 'Teaching assistant'],
      ['Chloe Jones', 'staff', 'SENCO'],
      ['Dafydd Price', 'staff', 'Midday supervisor'],
      ['Grace Okafor', 'office', 'School office'],
    ];
    for (const [i, s] of schools.entries()) {
      const org = { id: randomUUID(), name: s.name, kind: s.kind, urn: s.urn, parent_id: trust.id, time_zone: 'Europe/London', settings: JSON.stringify({ weekAStart: '2026-09-07', travelBufferMinutes: 30 }), created_at: created };
      await insertOrg(trx, org);
      for (const [name, role] of people) {
        const [first, last] = name.split(' ');
        const email = `${first!.toLowerCase()}.${last!.toLowerCase()}${i ? i + 1 : ''}@${s.slug}.example.org`;
        const display = name;
        await insertUser(trx, { id: randomUUID(), email, name: display, role, orgId: org.id, passwordHash: hash, createdAt: created });
        users.push({ email, name: display, role });
      }
    }
    const trainerIds: string[] = [];
    for (const [name, email] of [['Priya Sharma', 'priya.sharma@training.example.org'], ['Tom Williams', 'tom.williams@training.example.org']] as const) {
      const id = randomUUID();
      await insertUser(trx, { id, email, name, role: 'trainer', orgId: null, passwordHash: hash, createdAt: created });
      trainerIds.push(id);
      users.push({ email, name, role: 'trainer' });
    }
    const adminEmail = 'admin@training.example.org';
    await insertUser(trx, { id: randomUUID(), email: adminEmail, name: 'Sam Admin', role: 'admin', orgId: null, passwordHash: hash, createdAt: created });
    users.push({ email: adminEmail, name: 'Sam Admin', role: 'admin' });

    const courses = [
      { title: 'SEND Code of Practice in the classroom', description: 'The graduated approach, assess-plan-do-review, and working with families.' },
      { title: 'Autism and sensory needs', description: 'Understanding sensory differences and adapting the learning environment.' },
      { title: 'Speech, language and communication', description: 'Spotting needs early and supporting communication across the day.' },
      { title: 'Inclusive early years practice', description: 'Play-based support for young children with emerging needs.' },
    ];
    const courseIds: string[] = [];
    for (const c of courses) {
      const id = randomUUID();
      // Three sessions of each course below, one of each part: attending all three completes it.
      await insertCourse(trx, { id, title: c.title, description: c.description, parts_required: 3, created_at: created });
      courseIds.push(id);
    }
    const modes = ['online', 'in_person', 'hybrid'] as const;
    const venues = ['Hilltop Academy, Main Hall, Hill Road, Leeds LS6 2AB', 'Riverside Primary School, Library, River Lane, Leeds LS9 8QT'];
    // Twelve sessions across the next four weeks, after school (15:45) or twilight (18:00) UK time.
    for (let k = 0; k < 12; k++) {
      const day = new Date(now.getTime() + (2 + k * 2.3) * 86_400_000);
      const start = londonTime(day, k % 2 ? '18:00' : '15:45');
      const end = new Date(start.getTime() + 90 * 60_000);
      const mode = modes[k % 3]!;
      const course = courses[k % courses.length]!;
      await insertSession(
        trx,
        {
          id: randomUUID(),
          course_id: courseIds[k % courses.length]!,
          title: `${course.title} (part ${Math.floor(k / courses.length) + 1})`,
          part: Math.floor(k / courses.length) + 1,
          description: course.description,
          mode,
          starts_at: start.toISOString(),
          ends_at: end.toISOString(),
          time_zone: 'Europe/London',
          venue: mode === 'online' ? null : venues[k % 2]!,
          // The venues are in Leeds; online sessions are for anyone.
          area: mode === 'online' ? 'national' : 'yorkshire-humber',
          capacity_in_person: mode === 'online' ? 0 : 20 + (k % 3) * 5,
          capacity_online: mode === 'in_person' ? 0 : k === 0 ? 3 : 60,
          status: 'scheduled',
          booking_closes_at: null,
          waitlist_policy: k % 4 === 3 ? 'offer' : 'auto',
          offer_hold_minutes: 1440,
          holds_release_at: null,
          room_kind: k % 5 === 4 ? 'workshop' : 'webinar',
          attendance_threshold: 0.75,
          booking_ends_at: bookingEndsOf({ ends_at: end.toISOString(), booking_closes_at: null }),
          join_opens_minutes: 15,
          revision: 0,
          created_by: trainerIds[k % 2]!,
          created_at: created,
          updated_at: created,
        },
        [trainerIds[k % 2]!],
      );
    }
  });
  return { password, users };
}

/** The instant at which it is `hhmm` in London on the calendar day of `day`. */
function londonTime(day: Date, hhmm: string): Date {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(day);
  const guess = new Date(`${ymd}T${hhmm}:00Z`);
  const offsetName = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'shortOffset' }).formatToParts(guess).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const hours = Number(offsetName.replace('GMT', '') || '0');
  return new Date(guess.getTime() - hours * 3_600_000);
}
