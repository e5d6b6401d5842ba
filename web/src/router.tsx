/**
 * Routing, on wouter-preact: the path is the state. Links are real <a href> elements, so they
 * work with a keyboard, open in a new tab (wouter leaves modified and middle clicks to the
 * browser) and read as links. What this module adds to wouter is what our pages rely on: a
 * `key` that changes on every navigation, even to the same address (so "ask again" links reload
 * a page), whether the user has moved within the app yet (so the page heading takes focus), and
 * a scroll to the top when a new page is pushed. A link marked `samePage` (the timetable's
 * Previous week and Next week) steps within the page in view instead: the address changes (so
 * Back and a bookmark work) but it is no new page: `page` stays as it was, so a page keyed by
 * it stays mounted and focus stays on what was pressed, and nothing scrolls.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link as WouterLink, matchRoute } from 'wouter-preact';
import { navigate as browserNavigate } from 'wouter-preact/use-browser-location';
import { parse } from 'regexparam';

export interface Location {
  path: string;
  query: URLSearchParams;
  /** True once the user has moved within the app (not on first load). */
  navigated: boolean;
  /** Changes on every navigation, so pages can reset (and load again). */
  key: number;
  /**
   * Changes on every navigation to a page, not on a step within the page in view (a `samePage`
   * link followed): what a page is keyed by, so it is mounted anew (and its heading takes focus)
   * only when a new page is shown. Back and Forward always go to a page.
   */
  page: number;
}

/** wouter-preact dispatches pushState and replaceState events when it changes the history. */
const HISTORY_EVENTS = ['popstate', 'pushState', 'replaceState'] as const;

let navigations = 0;
let pages = 0;
/** Set while the address bar is changed without a navigation (see replaceAddress). */
let quiet = false;
/** The history state a `samePage` link pushes its address with. */
const SAME_PAGE = { samePage: true } as const;
const isSamePageStep = (state: unknown) => typeof state === 'object' && state !== null && (state as { samePage?: unknown }).samePage === true;
// Registered when the module loads, so the count is up to date before any page's listener reads it.
for (const type of HISTORY_EVENTS) {
  addEventListener(type, () => {
    if (quiet) return;
    navigations++;
    // A step within the page, pushed by a `samePage` link: no new page, and the view stays
    // where it is. (Back or Forward to such an entry is a popstate: a page, as any other.)
    if (type === 'pushState' && isSamePageStep(history.state)) return;
    pages++;
    if (type === 'pushState') window.scrollTo(0, 0);
  });
}

function current(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search), navigated: navigations > 0, key: navigations, page: pages };
}

/**
 * For a page that moves on once a save is answered: a check that no navigation has happened
 * since it was made. Someone who followed a link (or pressed Back) while "Publishing…" ran is
 * not taken away from where they went when the answer comes.
 */
export function stillHere(): () => boolean {
  const at = navigations;
  return () => navigations === at;
}

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  browserNavigate(to, { replace: opts.replace ?? false });
}

/**
 * Changes what the address bar shows without navigating: the page stays as it is. For taking a
 * used one-time token out of the address.
 */
export function replaceAddress(to: string) {
  quiet = true;
  try {
    history.replaceState(history.state, '', to);
  } finally {
    quiet = false;
  }
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => {
      if (!quiet) setLoc(current());
    };
    for (const type of HISTORY_EVENTS) addEventListener(type, update);
    return () => {
      for (const type of HISTORY_EVENTS) removeEventListener(type, update);
    };
  }, []);
  return loc;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is kept as typed; the page then finds nothing by it
  }
}

/** Matches `/sessions/:id` style patterns; returns the (decoded) parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const [matched, params] = matchRoute(parse, pattern, path);
  if (!matched || !params) return null;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (!/^\d+$/.test(name) && value !== undefined) out[name] = decode(value);
  return out;
}

type LinkProps = Omit<JSX.AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  href: string;
  children: ComponentChildren;
  /** A step within the page in view (another week of the same timetable), not a new page: see the file comment. */
  samePage?: boolean;
};

/** An in-app link; `aria-current="page"` is set by the caller where it applies. */
export function Link({ href, children, samePage, ...rest }: LinkProps) {
  return (
    <WouterLink {...(rest as Record<string, unknown>)} {...(samePage ? { state: SAME_PAGE } : {})} href={href}>
      {children}
    </WouterLink>
  );
}
