/**
 * One person's timetable, for those who manage it: an office for its own staff (and office
 * colleagues), an administrator for anyone. The same page as My timetable (TimetableView)
 * through /api/users/:id/timetable: the week's lessons, upload a file, link a calendar
 * (only its site is shown back: the whole address is its owner's), and remove it (a wrong
 * upload, a leaver). Reached from the person's card on Staff accounts or People.
 */
import { User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { PendingHeading, useApp, type MeValue } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { TimetableView } from './TimetablePage.js';

/** The address of a person's timetable page for whoever manages them (see PersonCard). */
export function personTimetableHref(me: Pick<MeValue, 'role'>, person: Pick<User, 'id' | 'orgId'>): string {
  const path = `/${me.role === 'admin' ? 'admin' : 'office'}/people/${encodeURIComponent(person.id)}/timetable`;
  return person.orgId ? `${path}?${new URLSearchParams({ org: person.orgId })}` : path;
}

const NOT_FOUND = () => new ApiError(404, 'not_found', 'This person could not be found. They may have been removed, or belong to an organisation you do not book for.');

/** Who the person is (their name heads the page): read by id (`GET /api/users/:id`), which the server answers only to those who may see them. */
async function findPerson(userId: string): Promise<User> {
  try {
    return await api(`/api/users/${encodeURIComponent(userId)}`, User);
  } catch (e) {
    throw e instanceof ApiError && e.status === 404 ? NOT_FOUND() : e;
  }
}

export function PersonTimetablePage({ userId }: { userId: string }) {
  const { me, loc } = useApp();
  const orgId = loc.query.get('org');
  const person = useLoad(() => findPerson(userId), [userId]);
  const area = me.role === 'admin' ? 'admin' : 'office';
  const back = me.role === 'admin' ? { href: '/admin/people', label: 'Back to People' } : { href: orgId ? `/office/people?${new URLSearchParams({ org: orgId })}` : '/office/people', label: 'Back to Staff accounts' };
  return (
    <>
      <PendingHeading state={person} title="Timetable" navigated={loc.navigated} />
      <Loaded state={person} what="the person">
        {(p) => (
          <TimetableView
            person={{ id: p.id, name: p.name, path: `/${area}/people/${encodeURIComponent(p.id)}/timetable`, keep: orgId ? { org: orgId } : undefined, back, turnedOff: p.disabled }}
          />
        )}
      </Loaded>
    </>
  );
}
