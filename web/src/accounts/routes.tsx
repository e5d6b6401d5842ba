/**
 * Account pages, for the app's router. `signedOutRoute(path)` gives the pages that work
 * without signing in (forgot / reset password), whoever is signed in; `accountRoute(path,
 * me)` the signed-in ones (my account, the office's staff accounts, the admin people list, one person's record, identity providers and the audit log);
 * each returns null for any other path. Nav entries: ACCOUNT_NAV.
 */
import type { MeValue } from '../components.js';
import type { SignedIn } from '../../../shared/accounts.js';
import { lazyPage } from '../lazy.js';
import { match } from '../router.js';
import { AccountPage } from './AccountPage.js';
import { ForgotPasswordPage, ResetPasswordPage } from './PasswordPages.js';
import { EmailSignInPage, SignInLinkPage } from './SignInLinkPages.js';

// The office's and administrator's pages, each its own chunk (web/src/lazy.tsx).
const PeoplePage = lazyPage(() => import('../admin/PeoplePage.js').then((m) => m.PeoplePage));
const IdentityProvidersPage = lazyPage(() => import('../admin/IdentityProvidersPage.js').then((m) => m.IdentityProvidersPage));
const EditIdentityProviderPage = lazyPage(() => import('../admin/IdentityProvidersPage.js').then((m) => m.EditIdentityProviderPage));
const AuditLogPage = lazyPage(() => import('../admin/AuditLogPage.js').then((m) => m.AuditLogPage));
const PersonPage = lazyPage(() => import('../admin/PersonPage.js').then((m) => m.PersonPage));
const StaffPage = lazyPage(() => import('./StaffPage.js').then((m) => m.StaffPage));
const ImportPage = lazyPage(() => import('./ImportPage.js').then((m) => m.ImportPage));

export const ACCOUNT_NAV: { href: string; label: string; roles?: MeValue['role'][] }[] = [
  { href: '/account', label: 'My account' },
  { href: '/office/people', label: 'Staff accounts', roles: ['office'] },
  { href: '/admin/people', label: 'People', roles: ['admin'] },
  { href: '/admin/identity-providers', label: 'Identity providers', roles: ['admin'] },
  { href: '/admin/audit-log', label: 'Audit log', roles: ['admin'] },
];

/** Paths shown whether or not anyone is signed in (no redirect to the sign-in page). */
export const isSignedOutPath = (path: string) => path === '/forgot-password' || path === '/reset-password' || path === '/email-sign-in' || path === '/signin-link';

export function signedOutRoute(path: string, navigated: boolean, onSignedOut: () => void, onSignedIn: (me: SignedIn) => void) {
  if (path === '/email-sign-in') return <EmailSignInPage navigated={navigated} />;
  if (path === '/signin-link') return <SignInLinkPage navigated={navigated} onSignedIn={onSignedIn} />;
  if (path === '/forgot-password') return <ForgotPasswordPage navigated={navigated} />;
  if (path === '/reset-password') return <ResetPasswordPage navigated={navigated} onSignedOut={onSignedOut} />;
  return null;
}

export function accountRoute(path: string, me: MeValue, key: string) {
  if (path === '/account') return <AccountPage key={key} />;
  // Kept (keyed by path) while searched and paged: Pagination's focus needs it (another organisation's people are a new list, keyed by it inside).
  if (path === '/office/people') return me.role === 'office' && me.orgId ? <StaffPage key={path} /> : null;
  if (path === '/office/people/import') return me.role === 'office' && me.orgId ? <ImportPage key={key} /> : null;
  if (path === '/admin/people/import') return me.role === 'admin' ? <ImportPage key={key} /> : null;
  // Kept (keyed by path, not query) while searched: the list in view stays until the next has loaded.
  if (path === '/admin/people') return me.role === 'admin' ? <PeoplePage key={path} /> : null;
  // One person's record, by id (whose account an audit log entry was about links here).
  const person = match('/admin/people/:id', path);
  if (person) return me.role === 'admin' ? <PersonPage key={key} userId={person.id!} /> : null;
  // Kept (keyed by path, not query) while its pages turn: Older and Newest entries focus its count (see Pagination).
  if (path === '/admin/audit-log') return me.role === 'admin' ? <AuditLogPage key={path} /> : null;
  if (path === '/admin/identity-providers') return me.role === 'admin' ? <IdentityProvidersPage key={key} /> : null;
  const provider = match('/admin/identity-providers/:id', path);
  if (provider) return me.role === 'admin' ? <EditIdentityProviderPage key={key} id={provider.id!} /> : null;
  return null;
}
