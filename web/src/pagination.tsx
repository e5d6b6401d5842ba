/**
 * Paging links, in a file of their own: they use the router's Link, and components.tsx is
 * also loaded outside a browser (by tests of the live room), where the router cannot be.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { SearchText } from '../../shared/common.js';
import { TextField, useFocusLater } from './components.js';
import { Link } from './router.js';

/**
 * Previous and next links around "Page n of m", for a list read a page at a time (nothing when it fits on one page;
 * on a page past the last, links to the first page and the last instead).
 * After a page is turned, focus goes to `resultsId` (the "Showing 11 to 20 of …" status, which
 * takes tabIndex=-1), or to the page's h1 without one: the link pressed may be gone (no "Next
 * page" on the last page), and the new results start there. The page holding it must be kept
 * while its pages turn (routed with a key of its path, not its query), or the focus asked for
 * is lost with the old page.
 */
export function Pagination({ label, page, pages, href, resultsId }: { label: string; page: number; pages: number; href: (page: number) => string; resultsId?: string }) {
  const focusLater = useFocusLater();
  const turned = () => focusLater(() => (resultsId ? document.getElementById(resultsId) : null) ?? document.querySelector<HTMLElement>('h1'), { force: true });
  // A page past the last (an old link, an edited address, people gone meanwhile): no "Page 9
  // of 3", and a way back to pages that are there (as the session list's "Go to the first page").
  if (page > pages && page > 1) {
    return (
      <nav aria-label={label} class="pagination">
        <ul class="plain">
          <li>
            <Link href={href(1)} onClick={turned}>
              Go to the first page
            </Link>
          </li>
          {pages > 1 && (
            <li>
              <Link href={href(pages)} onClick={turned}>
                Go to the last page (page {pages.toLocaleString('en-GB')})
              </Link>
            </li>
          )}
        </ul>
      </nav>
    );
  }
  if (pages <= 1) return null;
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

/**
 * The links of a list read a page at a time by cursor (keyset paging, for a list whose rows
 * change while its pages are turned: see shared/cursor.ts): back to its start (`first`, the
 * address of the first page; none when this is it) and on (`next`, the address of the page
 * after this one, carrying its cursor; none on the last). Such a list cannot say "page 3 of
 * 25": its count says how many it shows of how many in all. Focus after a turn goes where
 * Pagination sends it (`resultsId`, else the h1), with the same need to keep the page.
 */
export function KeysetPagination({ label, first, firstLabel, next, nextLabel, resultsId }: { label: string; first: string | null; firstLabel: string; next: string | null; nextLabel: string; resultsId?: string }) {
  const focusLater = useFocusLater();
  if (!first && !next) return null;
  const turned = () => focusLater(() => (resultsId ? document.getElementById(resultsId) : null) ?? document.querySelector<HTMLElement>('h1'), { force: true });
  return (
    <nav aria-label={label} class="pagination">
      <ul class="plain">
        {first && (
          <li>
            <Link href={first} onClick={turned}>
              {firstLabel}
            </Link>
          </li>
        )}
        {next && (
          <li>
            <Link href={next} rel="next" onClick={turned}>
              {nextLabel}
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}

/**
 * What the count above a paged list says, once it has loaded: `none` when nothing matches
 * (`q`: what was searched for, '' for nothing), "There is no page 4: 120 organisations
 * matching “x” fill 3 pages." past the end, else "Showing 51 to 100 of 1,234 organisations
 * matching “x”." (`of(total)` words the count: "1,234 organisations").
 */
export function pageCountText({ page, perPage, shown, total, q, of, none, after = '' }: { page: number; perPage: number; shown: number; total: number; q: string; of: (n: number) => string; none: (q: string) => string; after?: string }): string {
  if (total === 0) return none(q);
  const matching = q ? ` matching “${q}”` : '';
  const pages = Math.max(1, Math.ceil(total / perPage));
  const n = (x: number) => x.toLocaleString('en-GB');
  if (shown === 0) return `There is no page ${page}: ${of(total)}${matching} fill ${pages === 1 ? '1 page' : `${n(pages)} pages`}.`;
  const from = (page - 1) * perPage;
  return `Showing ${n(from + 1)} to ${n(from + shown)} of ${of(total)}${matching}${after}.`;
}

/** The longest search the lists take, in characters: the shared schema's (SearchText), which the service checks too. */
export const SEARCH_MAX = SearchText.maxLength ?? 200;

/**
 * A search checked with the lists' shared schema (SearchText) before it is sent, so what the
 * service would refuse is said at the search field instead of as the service's own words with
 * a "Try again" that could only be refused again: `q`, the text as the service reads it
 * (trimmed; the tabs and line breaks a paste brings read as one space), or `error`, in the
 * words the session search uses ("Search: use 200 characters or fewer").
 */
export function checkSearch(text: string): { q: string; error?: undefined } | { q?: undefined; error: string } {
  const r = SearchText.safeParse(text);
  if (r.success) return { q: r.data };
  return { error: r.error.issues.some((i) => i.code === 'too_big') ? `Search: use ${SEARCH_MAX} characters or fewer` : 'Search: remove the control characters (invisible characters that came with a paste)' };
}

/** What a list's count says while its search is refused (as the session list says it): no list is shown as its answer. */
export const correctTheSearch = (what: string) => `Correct the search above to see ${what}.`;

type SearchFieldProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'label' | 'type' | 'maxLength'> & { id: string; label: string; error?: string };

/**
 * A list's search field: a search refused (checkSearch) said beside it as its error
 * (aria-invalid, aria-describedby, announced), the field taking focus when the error appears, so
 * it is where the search is put right. No maxLength: the browser would silently cut a longer
 * paste to SEARCH_MAX characters and search for something else without a word; checkSearch
 * says "Search: use 200 characters or fewer" instead.
 */
export function SearchField({ id, label, error, ...rest }: SearchFieldProps) {
  useEffect(() => {
    if (error) document.getElementById(id)?.focus();
  }, [error]);
  return <TextField id={id} label={label} type="search" spellcheck={false} error={error} announce {...rest} />;
}

/**
 * The search over a list kept in the address: one field and its button. The field follows
 * `value` (what the list in view was found for: Back and Forward change it); `onSearch` gets
 * what was typed as the service reads it (checkSearch). A search the shared schema refuses is
 * not sent: it is said at the field, which takes focus, and `onRefused` is told (with null once
 * a search is taken), so the page stops presenting the list in view as its answer. `error`:
 * what is wrong with the search in the address (`value`), which the page does not send either.
 */
export function ListSearch({ id, label, formLabel, value, onSearch, error, onRefused }: { id: string; label: string; formLabel?: string; value: string; onSearch: (q: string) => void; error?: string; onRefused?: (error: string | null) => void }) {
  const [text, setText] = useState(value);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    setText(value);
    setRefused(null);
    onRefused?.(null);
  }, [value]);
  return (
    <form
      class="filters"
      role="search"
      aria-label={formLabel}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const checked = checkSearch(text);
        setRefused(checked.error ?? null);
        onRefused?.(checked.error ?? null);
        if (checked.error !== undefined) {
          document.getElementById(id)?.focus();
          return;
        }
        onSearch(checked.q);
      }}
    >
      <SearchField id={id} label={label} value={text} error={refused ?? error} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
      <div class="field field-action">
        <button type="submit" class="button">
          Search
        </button>
      </div>
    </form>
  );
}
