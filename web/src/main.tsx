import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Me, type SignedIn } from '../../shared/accounts.js';
import { safeNextPath } from '../../shared/common.js';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api.js';
import { AppContext, PageHeading, type MeValue } from './components.js';
import { Retry } from './load.js';
import { BookingPage } from './pages/BookingPage.js';
import { BookingsPage, CompletionsPage } from './pages/BookingsPage.js';
import { CalendarPage } from './pages/CalendarPage.js';
import { SessionPage } from './pages/SessionPage.js';
import { SessionsPage } from './pages/SessionsPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { liveRoute } from './room/routes.js';
import { FORBIDDEN, HoldsPage, TRAINER_NAV, trainerRoute } from './pages/trainer/routes.js';
import { TIMETABLE_NAV, timetableRoute } from './timetable/routes.js';
import { ACCOUNT_NAV, accountRoute, isSignedOutPath, signedOutRoute } from './accounts/routes.js';
import { FEEDBACK_NAV, feedbackRoute, isVerifyPath, verifyRoute } from './feedback/routes.js';
import { Link, match, navigate, useLocation, type Location } from './router.js';
import { z } from 'zod';
import { lazyPage } from './lazy.js';
import { rememberEmailAddress } from './accounts/useEmailRequest.js';

// Pages for those who run sessions and for school offices, each its own chunk (web/src/lazy.tsx).
const NewSessionPage = lazyPage(() => import('./pages/NewSessionPage.js').then((m) => m.NewSessionPage));
const OfficeOrgPage = lazyPage(() => import('./pages/OfficePages.js').then((m) => m.OfficeOrgPage));
const CoveragePage = lazyPage(() => import('./reach/CoveragePage.js').then((m) => m.CoveragePage));
const NotBookedPage = lazyPage(() => import('./reach/NotBookedPage.js').then((m) => m.NotBookedPage));

interface NavItem {
  href: string;
  label: string;
  roles?: MeValue['role'][];
  /** Shown to whoever this says, instead of by role. */
  shows?: (me: MeValue) => boolean;
}
const NAV: NavItem[] = [
  { href: '/sessions', label: 'Sessions' },
  { href: '/bookings', label: 'My bookings' },
  { href: '/calendar', label: 'Calendar feed' },
  ...TIMETABLE_NAV,
  { href: '/office/bookings', label: 'Who is booked where', roles: ['office', 'admin'] },
  { href: '/office/export', label: 'Export', roles: ['office', 'admin'] },
  { href: '/office/record', label: 'Training record', roles: ['office', 'admin'] },
  { href: '/reach', label: 'Training coverage', roles: ['office', 'admin'] },
  { href: '/sessions/new', label: 'New session', shows: (me) => me.runsSessions },
  ...TRAINER_NAV,
  ...FEEDBACK_NAV,
  ...ACCOUNT_NAV,
];

/**
 * The office pages about one organisation, and the name of its parameter: `?org=` (an
 * administrator's choice of any, a trust's office's of one of its schools), or `?orgId=` on
 * Training coverage and its staff not yet booked (the coverage API's own name, in links
 * already given out). Moving between them from the menu keeps the organisation chosen (see
 * chosenOrgOf), so it is not searched for again (WCAG 3.3.7) and a trust's office is not
 * silently taken back to its own organisation. The import page is reached from "Staff
 * accounts" and keeps it too.
 */
const ORG_PAGES = new Map([
  ...['/office/bookings', '/office/export', '/office/record', '/office/cover', '/office/people', '/office/people/import', '/calendar'].map((p) => [p, 'org'] as const),
  ...['/reach', '/reach/not-booked'].map((p) => [p, 'orgId'] as const),
]);

/** A menu link to `href`, carrying the organisation chosen when it is one of ORG_PAGES. */
function menuHref(href: string, org: string | null): string {
  const param = ORG_PAGES.get(href);
  return org && param ? `${href}?${param}=${encodeURIComponent(org)}` : href;
}

/**
 * What the menu's links to ORG_PAGES carry: the organisation the office page in view shows
 * (none when it shows the person's own, with no `?org=`), else the one the last such page
 * showed. In this tab's memory only, for this person: forgotten on signing out or in.
 */
function chosenOrgOf(me: MeValue | null | undefined, loc: Location, last: { userId: string; orgId: string | null } | null): { userId: string; orgId: string | null } | null {
  if (!me || (me.role !== 'office' && me.role !== 'admin')) return null;
  const param = ORG_PAGES.get(loc.path);
  if (param) return { userId: me.id, orgId: loc.query.get(param) || null };
  return last?.userId === me.id ? last : null;
}

function isCurrent(href: string, path: string) {
  if (href === '/sessions') return path === '/' || (path.startsWith('/sessions') && path !== '/sessions/new');
  return path === href || path.startsWith(href + '/');
}

function Header({ me, path, org, onSignOut }: { me: MeValue | null; path: string; org: string | null; onSignOut: () => void }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  // A link followed from the menu closes it.
  useEffect(() => setMenuOpen(false), [path]);
  // Escape anywhere in the open menu closes it, and the keyboard goes on from its button
  // (when shown: on a wide screen the links never fold away).
  function closeOnEscape(e: KeyboardEvent) {
    if (e.key !== 'Escape' || !menuOpen) return;
    e.preventDefault();
    setMenuOpen(false);
    const toggle = toggleRef.current;
    if (toggle && toggle.offsetParent !== null) toggle.focus();
  }
  return (
    <header class="site-header">
      <div class="wrap header-inner">
        <Link href="/" class="site-name">
          SEND Live Training
        </Link>
        {me && (
          <div class="account">
            <span>
              Signed in as <strong>{me.name}</strong>
              {me.orgName ? ` (${me.orgName})` : ''}
            </span>
            <button type="button" class="button button-on-dark" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        )}
      </div>
      {me && (
        <nav aria-label="Main" class={menuOpen ? 'site-nav menu-open' : 'site-nav'} onKeyDown={closeOnEscape}>
          {/* On narrow screens the links fold behind this button, so the page starts on the first screen. */}
          <div class="wrap menu-toggle-row">
            <button type="button" ref={toggleRef} class="menu-toggle" aria-expanded={menuOpen ? 'true' : 'false'} aria-controls="main-nav-links" onClick={() => setMenuOpen(!menuOpen)}>
              Menu
            </button>
          </div>
          <ul class="wrap" id="main-nav-links">
            {NAV.filter((n) => (n.shows ? n.shows(me) : !n.roles || n.roles.includes(me.role))).map((n) => (
              <li key={n.href}>
                <Link href={menuHref(n.href, org)} aria-current={isCurrent(n.href, path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </header>
  );
}

function NotFound({ loc }: { loc: Location }) {
  return (
    <>
      <PageHeading title="Page not found" navigated={loc.navigated}>
        Page not found
      </PageHeading>
      <p>
        There is no page at this address. <Link href="/sessions">Go to the list of sessions</Link>.
      </p>
    </>
  );
}

function Forbidden({ loc }: { loc: Location }) {
  return (
    <>
      <PageHeading title="Not available to you" navigated={loc.navigated}>
        Not available to you
      </PageHeading>
      <p>Your role does not allow this page.</p>
    </>
  );
}

function Routes({ me, loc }: { me: MeValue; loc: Location }) {
  const p = loc.path;
  // A new page on every navigation to one, even to the same address (so "ask again" links
  // reload it), but not on a step within the page in view (router.tsx `samePage`).
  const key = `${p}#${loc.page}`;
  if (p === '/' || p === '/sessions') return <SessionsPage key={p} />;
  // Trainers and admins; in-house leads (any role) publish for their own organisation, which the server checks.
  if (p === '/sessions/new') return me.runsSessions ? <NewSessionPage key={key} /> : <Forbidden loc={loc} />;
  const tr = trainerRoute(p, me, key);
  if (tr === FORBIDDEN) return <Forbidden loc={loc} />;
  if (tr) return tr;
  const fb = feedbackRoute(p, me, key);
  if (fb) return fb;
  const tt = timetableRoute(p, me, key);
  if (tt) return tt;
  const account = accountRoute(p, me, key);
  if (account) return account;
  const live = liveRoute(p, me, loc);
  if (live) return live;
  let m = match('/sessions/:id', p);
  if (m) return <SessionPage key={m.id!} id={m.id!} />;
  // A school's office holds seats for its own staff (trainers set holds from their own pages).
  m = match('/sessions/:id/holds', p);
  if (m) return me.role === 'office' ? <HoldsPage key={key} id={m.id!} forSchool /> : <Forbidden loc={loc} />;
  if (p === '/bookings') return <BookingsPage key={key} />;
  if (p === '/completions') return <CompletionsPage key={key} />;
  m = match('/bookings/:id', p);
  if (m) return <BookingPage key={m.id!} id={m.id!} />;
  if (p === '/calendar') return <CalendarPage key={key} />;
  if (p === '/reach' || p === '/reach/not-booked') {
    if (me.role !== 'office' && me.role !== 'admin') return <Forbidden loc={loc} />;
    // Coverage and the people not yet booked are kept while found, sorted and paged (Pagination's focus needs it); another organisation's are a new page.
    return p === '/reach' ? <CoveragePage key={`${p}?orgId=${loc.query.get('orgId') ?? ''}`} /> : <NotBookedPage key={`${p}?orgId=${loc.query.get('orgId') ?? ''}`} />;
  }
  if (p === '/office/bookings' || p === '/office/export' || p === '/office/record') {
    if (me.role !== 'office' && me.role !== 'admin') return <Forbidden loc={loc} />;
    // An administrator (no organisation) first chooses which organisation the page is about (OfficeOrgGate).
    return <OfficeOrgPage key={p} page={p === '/office/bookings' ? 'bookings' : p === '/office/export' ? 'export' : 'record'} />;
  }
  return <NotFound loc={loc} />;
}

function App() {
  const loc = useLocation();
  // undefined: still asking the server who is signed in.
  const [me, setMe] = useState<MeValue | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [retrying, setRetrying] = useState(false);
  // The organisation chosen on the office pages (see chosenOrgOf), kept as the pages change.
  const chosenOrg = useRef<{ userId: string; orgId: string | null } | null>(null);
  chosenOrg.current = chosenOrgOf(me, loc, chosenOrg.current);

  function loadMe() {
    return api('/api/me', Me, { quiet401: true })
      .then((m) => {
        setCsrfToken(m.csrfToken);
        setLoadError(null);
        setMe(m);
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) {
          setLoadError(null);
          setMe(null);
        } else setLoadError(e);
      });
  }
  /** Signed in: the answer says who; what they may do (run sessions, say) is asked for after. */
  function signedIn(m: SignedIn) {
    // The address typed to sign in is not offered to whoever signs in next on this computer.
    rememberEmailAddress('');
    setCsrfToken(m.csrfToken);
    setMe(undefined);
    void loadMe();
  }

  useEffect(() => {
    void loadMe();
    return onUnauthenticated(() => {
      setCsrfToken(null);
      setMe(null);
    });
  }, []);

  // Signed out on a page that needs sign-in: go to the sign-in page, then come back.
  useEffect(() => {
    if (me === null && loc.path !== '/signin' && !isSignedOutPath(loc.path) && !isVerifyPath(loc.path)) {
      const next = loc.path + (loc.query.toString() ? `?${loc.query}` : '');
      navigate(`/signin?next=${encodeURIComponent(next)}`, { replace: true });
    }
    if (me && loc.path === '/signin') navigate(safeNext(loc.query.get('next')), { replace: true });
  }, [me, loc.path]);

  async function signOut() {
    try {
      await api('/api/auth/logout', z.unknown(), { method: 'POST', quiet401: true });
    } catch {
      /* signed out on this device either way */
    }
    setCsrfToken(null);
    setMe(null);
    navigate('/signin');
  }

  let content;
  // The certificate check is public: the same page whether or not anyone is signed in.
  const signedOutPage = verifyRoute(loc.path, loc.navigated) ?? signedOutRoute(
    loc.path,
    loc.navigated,
    () => {
      setCsrfToken(null);
      setMe(null);
    },
    signedIn,
  );
  if (signedOutPage) content = signedOutPage;
  else if (loadError && me === undefined)
    content = (
      <>
        <PageHeading title="The page could not be loaded" navigated={loc.navigated}>
          The page could not be loaded
        </PageHeading>
        <Retry
          error={loadError}
          busy={retrying}
          onRetry={() => {
            setRetrying(true);
            void loadMe().finally(() => setRetrying(false));
          }}
        />
      </>
    );
  else if (me === undefined) content = <p>Loading…</p>;
  else if (me === null || loc.path === '/signin')
    content = loc.path === '/signin' ? (
      <SignInPage
        navigated={loc.navigated}
        onSignedIn={signedIn}
      />
    ) : (
      <p>Loading…</p>
    );
  else
    content = (
      <AppContext.Provider value={{ me, loc, setMe }}>
        <Routes me={me} loc={loc} />
      </AppContext.Provider>
    );

  return (
    <>
      <a href="#main" class="skip-link" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to main content
      </a>
      <Header me={me ?? null} path={loc.path} org={chosenOrg.current?.orgId ?? null} onSignOut={signOut} />
      <main id="main" tabIndex={-1} class="wrap">
        {content}
      </main>
      <footer class="site-footer">
        <p class="wrap">Live sessions of the SEND and inclusion training for the whole school workforce.</p>
      </footer>
    </>
  );
}

/** Only same-site paths may be a "next" target after sign-in (the server's rule: shared/common.ts). */
const safeNext = (next: string | null) => safeNextPath(next, location.origin);

render(<App />, document.getElementById('app')!);
