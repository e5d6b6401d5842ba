/**
 * Paging links, in a file of their own: they use the router's Link, and components.tsx is
 * also loaded outside a browser (by tests of the live room), where the router cannot be.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useFocusLater } from './components.js';
import { Link } from './router.js';

/** The page turned to by the last Pagination link pressed, and its results status. */
let turning: { to: string; resultsId: string } | null = null;

/**
 * For a list whose page is made anew on every navigation (its router key holds the query, so
 * the focus Pagination asks for is lost with the old page): whether it opened because its
 * "Next page" or "Previous page" was pressed. If so, the h1 does not take focus (pass
 * `navigated && !turned` to PageHeading): once the list has loaded, its results status
 * `resultsId` ("Showing 101 to 200 of …") does, as on lists kept while their pages turn; the
 * h1 if the list failed to load.
 */
export function useFocusAfterPageTurn(resultsId: string, state: { data: unknown; error: unknown }): boolean {
  const [turned] = useState(() => {
    const t = turning;
    turning = null;
    if (t === null || t.resultsId !== resultsId) return false;
    const to = new URL(t.to, location.href);
    return to.pathname + to.search === location.pathname + location.search;
  });
  const done = useRef(false);
  const settled = state.data !== undefined || !!state.error;
  useEffect(() => {
    if (!turned || done.current || !settled) return;
    done.current = true;
    (state.data !== undefined ? document.getElementById(resultsId) : document.querySelector<HTMLElement>('h1'))?.focus();
  }, [settled]);
  return turned;
}

/**
 * Previous and next links around "Page n of m", for a list read a page at a time (nothing when it fits on one page).
 * After a page is turned, focus goes to `resultsId` (the "Showing 11 to 20 of …" status, which
 * takes tabIndex=-1), or to the page's h1 without one: the link pressed may be gone (no "Next
 * page" on the last page), and the new results start there.
 */
export function Pagination({ label, page, pages, href, resultsId }: { label: string; page: number; pages: number; href: (page: number) => string; resultsId?: string }) {
  const focusLater = useFocusLater();
  if (pages <= 1) return null;
  const turned = (to: string) => {
    turning = resultsId ? { to, resultsId } : null;
    focusLater(() => (resultsId ? document.getElementById(resultsId) : null) ?? document.querySelector<HTMLElement>('h1'), { force: true });
  };
  return (
    <nav aria-label={label} class="pagination">
      <ul class="plain">
        {page > 1 && (
          <li>
            <Link href={href(Math.min(page - 1, pages))} rel="prev" onClick={() => turned(href(Math.min(page - 1, pages)))}>
              Previous page
            </Link>
          </li>
        )}
        <li aria-current="page">
          Page {page} of {pages}
        </li>
        {page < pages && (
          <li>
            <Link href={href(page + 1)} rel="next" onClick={() => turned(href(page + 1))}>
              Next page
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
