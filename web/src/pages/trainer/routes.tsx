/**
 * The trainer's and administrator's pages, for the app's router: `trainerRoute(path, me, key)`
 * returns the page for /trainer/... or /admin/..., a "not allowed" marker for the wrong role,
 * or null for any other path. Nav entries: TRAINER_NAV.
 */
import type { MeValue } from '../../components.js';
import { match } from '../../router.js';
import { CoursesPage } from '../admin/CoursesPage.js';
import { LibraryPage } from '../../materials/LibraryPage.js';
import { OrgPage, OrgsPage } from '../admin/OrgsPage.js';
import { OutboxPage } from '../admin/OutboxPage.js';
import { AttendeesPage } from './AttendeesPage.js';
import { EditSessionPage } from './EditSessionPage.js';
import { HoldsPage } from './HoldsPage.js';
import { MessagePage } from './MessagePage.js';
import { MySessionsPage } from './MySessionsPage.js';
import './trainer.css';

export const TRAINER_NAV: { href: string; label: string; roles?: MeValue['role'][]; shows?: (me: MeValue) => boolean }[] = [
  // Trainers, and in-house leads (staff or office) for the sessions they run.
  { href: '/trainer/sessions', label: 'My sessions', shows: (me) => me.runsSessions && me.role !== 'admin' },
  { href: '/trainer/sessions', label: 'All sessions', roles: ['admin'] },
  { href: '/admin/orgs', label: 'Organisations', roles: ['admin'] },
  { href: '/admin/courses', label: 'Courses', roles: ['admin'] },
  { href: '/admin/mail', label: 'Mail', roles: ['admin'] },
];

export const FORBIDDEN = 'forbidden' as const;

export function trainerRoute(path: string, me: MeValue, key: string) {
  if (path.startsWith('/admin/')) {
    if (me.role !== 'admin') return FORBIDDEN;
    // Kept (keyed by path, not query) while their pages are turned or searched: the page in
    // view stays until the next has loaded, and focus moves to its "Showing…" status (see Pagination).
    if (path === '/admin/mail') return <OutboxPage key={path} />;
    if (path === '/admin/orgs') return <OrgsPage key={path} />;
    if (path === '/admin/courses') return <CoursesPage key={key} />;
    const m = match('/admin/orgs/:id', path);
    if (m) return <OrgPage key={key} id={m.id!} />;
    const lib = match('/admin/courses/:id/materials', path);
    if (lib) return <LibraryPage key={key} courseId={lib.id!} />;
    return null;
  }
  if (!path.startsWith('/trainer/')) return null;
  // Trainers, administrators and in-house leads; the server answers for each session whether it is theirs.
  if (!me.runsSessions) return FORBIDDEN;
  // Kept while its pages turn and Upcoming or Past is chosen, as the admin lists above are (see Pagination).
  if (path === '/trainer/sessions') return <MySessionsPage key={path} />;
  const pages = { edit: EditSessionPage, people: AttendeesPage, message: MessagePage, holds: HoldsPage } as const;
  for (const [name, Page] of Object.entries(pages)) {
    const m = match(`/trainer/sessions/:id/${name}`, path);
    if (m) return <Page key={key} id={m.id!} />;
  }
  return null;
}
