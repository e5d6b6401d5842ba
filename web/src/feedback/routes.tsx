/**
 * Feedback and certificate pages, for the app's router. `feedbackRoute(path, me, key)` gives
 * the signed-in pages (null for other paths); `verifyRoute(path, navigated)` the public
 * certificate check, shown whether or not anyone is signed in. Nav entries: FEEDBACK_NAV.
 */
import type { MeValue } from '../components.js';
import { lazyPage } from '../lazy.js';
import { match } from '../router.js';
import { VerifyPage } from './VerifyPage.js';

// The feedback results of those who run sessions, a chunk of their own (web/src/lazy.tsx).
const MySessionsFeedbackPage = lazyPage(() => import('./pages.js').then((m) => m.MySessionsFeedbackPage));
const SessionFeedbackPage = lazyPage(() => import('./pages.js').then((m) => m.SessionFeedbackPage));
const FeedbackOverviewPage = lazyPage(() => import('./pages.js').then((m) => m.FeedbackOverviewPage));
const CourseFeedbackPage = lazyPage(() => import('./pages.js').then((m) => m.CourseFeedbackPage));

export const FEEDBACK_NAV: { href: string; label: string; roles?: MeValue['role'][]; shows?: (me: MeValue) => boolean }[] = [
  // Trainers and in-house leads: feedback on the sessions they ran.
  { href: '/feedback', label: 'Feedback', shows: (me) => me.runsSessions && me.role !== 'admin' },
  { href: '/admin/feedback', label: 'Feedback', roles: ['admin'] },
];

export const isVerifyPath = (path: string) => path === '/verify' || path.startsWith('/verify/');

export function verifyRoute(path: string, navigated: boolean) {
  if (path === '/verify') return <VerifyPage key="form" code={null} navigated={navigated} />;
  const m = match('/verify/:code', path);
  if (m) return <VerifyPage key={m.code} code={m.code!} navigated={navigated} />;
  return null;
}

export function feedbackRoute(path: string, me: MeValue, key: string) {
  // Anyone who runs sessions (trainers, in-house leads, admins); the server says whose.
  // Kept (keyed by path, not query) while its pages are turned: the page in view stays until
  // the next has loaded, and focus moves to its "Showing…" status (see Pagination).
  if (path === '/feedback') return <MySessionsFeedbackPage key={path} />;
  let m = match('/sessions/:id/feedback', path);
  if (m) return <SessionFeedbackPage key={key} id={m.id!} />;
  if (me.role !== 'admin') return null;
  if (path === '/admin/feedback') return <FeedbackOverviewPage key={key} />;
  m = match('/admin/feedback/courses/:id', path);
  if (m) return <CourseFeedbackPage key={path} id={m.id!} />;
  return null;
}
