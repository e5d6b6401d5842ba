/**
 * Paging links, in a file of their own: they use the router's Link, and components.tsx is
 * also loaded outside a browser (by tests of the live room), where the router cannot be.
 */
import { Link } from './router.js';

/** Previous and next links around "Page n of m", for a list read a page at a time (nothing when it fits on one page). */
export function Pagination({ label, page, pages, href }: { label: string; page: number; pages: number; href: (page: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} class="pagination">
      <ul class="plain">
        {page > 1 && (
          <li>
            <Link href={href(Math.min(page - 1, pages))} rel="prev">
              Previous page
            </Link>
          </li>
        )}
        <li aria-current="page">
          Page {page} of {pages}
        </li>
        {page < pages && (
          <li>
            <Link href={href(page + 1)} rel="next">
              Next page
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
