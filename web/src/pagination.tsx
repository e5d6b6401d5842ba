/**
 * Paging links, in a file of their own: they use the router's Link, and components.tsx is
 * also loaded outside a browser (by tests of the live room), where the router cannot be.
 */
import { useFocusLater } from './components.js';
import { Link } from './router.js';

/**
 * Previous and next links around "Page n of m", for a list read a page at a time (nothing when it fits on one page).
 * After a page is turned, focus goes to `resultsId` (the "Showing 11 to 20 of …" status, which
 * takes tabIndex=-1), or to the page's h1 without one: the link pressed may be gone (no "Next
 * page" on the last page), and the new results start there. The page holding it must be kept
 * while its pages turn (routed with a key of its path, not its query), or the focus asked for
 * is lost with the old page.
 */
export function Pagination({ label, page, pages, href, resultsId }: { label: string; page: number; pages: number; href: (page: number) => string; resultsId?: string }) {
  const focusLater = useFocusLater();
  if (pages <= 1) return null;
  const turned = () => focusLater(() => (resultsId ? document.getElementById(resultsId) : null) ?? document.querySelector<HTMLElement>('h1'), { force: true });
  return (
    <nav aria-label={label} class="pagination">
      <ul class="plain">
        {page > 1 && (
          <li>
            <Link href={href(Math.min(page - 1, pages))} rel="prev" onClick={turned}>
              Previous page
            </Link>
          </li>
        )}
        <li aria-current="page">
          Page {page} of {pages}
        </li>
        {page < pages && (
          <li>
            <Link href={href(page + 1)} rel="next" onClick={turned}>
              Next page
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
