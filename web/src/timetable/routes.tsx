/**
 * The timetable pages, for the app's router: `timetableRoute(path, me)` returns the page for
 * /timetable, /office/cover or one person's timetable (/office/people/:id/timetable for office
 * staff and administrators, /admin/people/:id/timetable for administrators), or null for any
 * other path. Nav entries: TIMETABLE_NAV.
 */
import type { MeValue } from '../components.js';
import { match } from '../router.js';
import { lazyPage } from '../lazy.js';
import { TimetablePage } from './TimetablePage.js';

// The office's cover report and a colleague's timetable, each its own chunk (web/src/lazy.tsx).
const CoverPage = lazyPage(() => import('./CoverPage.js').then((m) => m.CoverPage));
const PersonTimetablePage = lazyPage(() => import('./PersonTimetablePage.js').then((m) => m.PersonTimetablePage));

export const TIMETABLE_NAV: { href: string; label: string; roles?: MeValue['role'][] }[] = [
  { href: '/timetable', label: 'My timetable' },
  { href: '/office/cover', label: 'Who needs cover', roles: ['office', 'admin'] },
];

export function timetableRoute(path: string, me: MeValue, key: string) {
  if (path === '/timetable') return <TimetablePage key={key} />;
  if (path === '/office/cover') {
    if (me.role !== 'office' && me.role !== 'admin') return null;
    return <CoverPage key={key} />;
  }
  // Whose timetable the viewer may see or change the server decides (office: its own staff).
  const person = match('/office/people/:id/timetable', path) ?? (me.role === 'admin' ? match('/admin/people/:id/timetable', path) : null);
  if (person && (me.role === 'office' || me.role === 'admin')) return <PersonTimetablePage key={key} userId={person.id!} />;
  return null;
}
