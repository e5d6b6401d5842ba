/**
 * The timetable pages, for the app's router: `timetableRoute(path, me)` returns the page for
 * /timetable or /office/cover, or null for any other path. Nav entries: TIMETABLE_NAV.
 */
import type { MeValue } from '../components.js';
import { CoverPage } from './CoverPage.js';
import { TimetablePage } from './TimetablePage.js';

export const TIMETABLE_NAV: { href: string; label: string; roles?: MeValue['role'][] }[] = [
  { href: '/timetable', label: 'My timetable' },
  { href: '/office/cover', label: 'Who needs cover', roles: ['office', 'admin'] },
];

export function timetableRoute(path: string, me: MeValue, key: string) {
  if (path === '/timetable') return <TimetablePage key={key} />;
  if (path === '/office/cover') {
    if ((me.role !== 'office' && me.role !== 'admin') || !me.orgId) return null;
    return <CoverPage key={key} />;
  }
  return null;
}
