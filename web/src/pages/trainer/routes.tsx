/**
 * The trainer's and administrator's pages, for the app's router: `trainerRoute(path, me, key)`
 * returns the page for /trainer/... or /admin/..., a "not allowed" marker for the wrong role,
 * or null for any other path. Nav entries: TRAINER_NAV.
 */
import type { MeValue } from '../../components.js';
import { lazyPage } from '../../lazy.js';
import { match } from '../../router.js';
import './trainer.css';

// Each page its own chunk, fetched when first opened (web/src/lazy.tsx).
const CoursesPage = lazyPage(() => import('../admin/CoursesPage.js').then((m) => m.CoursesPage));
const LibraryPage = lazyPage(() => import('../../materials/LibraryPage.js').then((m) => m.LibraryPage));
const OrgPage = lazyPage(() => import('../admin/OrgsPage.js').then((m) => m.OrgPage));
const OrgsPage = lazyPage(() => import('../admin/OrgsPage.js').then((m) => m.OrgsPage));
const OutboxPage = lazyPage(() => import('../admin/OutboxPage.js').then((m) => m.OutboxPage));
const AttendeesPage = lazyPage(() => import('./AttendeesPage.js').then((m) => m.AttendeesPage));
const EditSessionPage = lazyPage(() => import('./EditSessionPage.js').then((m) => m.EditSessionPage));
export const HoldsPage = lazyPage(() => import('./HoldsPage.js').then((m) => m.HoldsPage));
const MessagePage = lazyPage(() => import('./MessagePage.js').then((m) => m.MessagePage));
const MySessionsPage = lazyPage(() => import('./MySessionsPage.js').then((m) => m.MySessionsPage));

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
    // Who is coming is kept while its pages turn (its filters and order with it), as the lists above are.
    if (m) return <Page key={name === 'people' ? path : key} id={m.id!} />;
  }
  return null;
}
