/**
 * Staff not yet booked on any session, for the office to book from directly (the office
 * booking API: one person at a time onto the session chosen at the top). The session is
 * found by title among every one still open for booking (`GET /api/sessions?bookingOpen=true&q`:
 * not one whose booking cut-off has passed, which would only refuse), a page of the soonest
 * listed at a time, so none is out of reach however many there are.
 *
 * The people come a page at a time (50, by organisation and name): the whole programme has
 * hundreds of thousands of staff. Found by name or email, kept in the address
 * (`/reach/not-booked?orgId=&q=&after=`); the spreadsheet holds every one. The next page is
 * asked for by cursor, after the last person shown, not as "skip 50": people booked from the
 * page (or by anyone meanwhile) leave the list, and no one after them is skipped.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { BookResult } from '../../../shared/bookings.js';
import { NotBookedCursor, NotBookedList } from '../../../shared/reach.js';
import { SessionList, type SeatKind, type Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { DownloadLink, PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { counted, formatDateTime, plural } from '../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import { KeysetPagination, ListSearch } from '../pagination.js';
import { Link, navigate } from '../router.js';

const count = (n: number) => n.toLocaleString('en-GB');
/** How many upcoming sessions the session picker lists at once; finding by title narrows the rest. */
const SESSIONS_SHOWN = 50;
/** How many people a page lists. */
const PAGE = 50;

/** Which people are shown: found by name or email, after whom (the cursor of the page before; '' from the first). */
interface PeopleView {
  q: string;
  after: string;
}

/** The page's address, with the search and cursor when not the first page, unfound. */
function notBookedHref(orgId: string | null, { q, after }: PeopleView) {
  const p = new URLSearchParams();
  if (orgId) p.set('orgId', orgId);
  if (q) p.set('q', q);
  if (after) p.set('after', after);
  return p.size ? `/reach/not-booked?${p}` : '/reach/not-booked';
}

const people = (n: number) => counted(n, 'person', 'people');

export function NotBookedPage() {
  const { loc } = useApp();
  const orgId = loc.query.get('orgId');
  const q = orgId ? `?orgId=${encodeURIComponent(orgId)}` : '';
  const find = (loc.query.get('q') ?? '').trim();
  // A cursor the list could not have given (an edited or cut-short link) is the first page, as an old link's `?page=` is.
  const asked = loc.query.get('after') ?? '';
  const after = asked && NotBookedCursor.safeParse(asked).success ? asked : '';
  // The page is kept while its people are found and paged (main.tsx keys it by organisation):
  // the people in view stay while the next page of them loads, and carry what they were found
  // for, so the count describes them.
  const list = useLoad(async () => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (orgId) params.set('orgId', orgId);
    if (find) params.set('q', find);
    if (after) params.set('after', after);
    return { q: find, after, p: await api(`/api/reach/not-booked?${params}`, NotBookedList) };
  }, [orgId, find, after]);
  // A search shown (Search): once its people are in (or the load failed), focus their count, where the new results start.
  const searched = useRef(false);
  const [sessionQuery, setSessionQuery] = useState('');
  const sessions = useLoad(() => {
    // Open for booking now: a session not over whose booking cut-off has passed is left out.
    const find = new URLSearchParams({ bookingOpen: 'true', limit: String(SESSIONS_SHOWN) });
    if (sessionQuery) find.set('q', sessionQuery);
    return api(`/api/sessions?${find}`, SessionList);
  }, [sessionQuery]);
  // Kept apart from the list, so finding other sessions does not lose the one chosen.
  const [chosen, setChosen] = useState<z.infer<typeof Session> | null>(null);
  const sessionId = chosen?.id ?? '';
  const [seat, setSeat] = useState<SeatKind>('online');
  const [message, setMessage] = useState('');
  const book = useAction();
  const focusLater = useFocusLater();
  useEffect(() => {
    if (!searched.current || list.loading) return;
    searched.current = false;
    focusLater(() => document.getElementById('not-booked-count'), { force: true });
  }, [list.loading]);
  const title = 'Staff not yet booked';

  async function bookPerson(userId: string, name: string, mode: string) {
    const chosenSeat: SeatKind = mode === 'online' ? 'online' : mode === 'in_person' ? 'in_person' : seat;
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await book.run(async () => {
      const r = await api(`/api/sessions/${encodeURIComponent(sessionId)}/bookings`, BookResult, { method: 'POST', body: { userId, seat: chosenSeat } });
      setMessage(r.status === 'confirmed' ? `${name} is booked.` : `The session is full: ${name} is on the waiting list${r.position ? `, place ${r.position}` : ''}.`);
      // The page in view again, as it is now.
      await list.reload();
      // The person booked leaves the list (and their Book button with them): the message takes focus.
      focusLater(() => document.getElementById('not-booked-status'));
    }, { for: userId });
  }

  return (
    <>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href={`/reach${q}`}>Back to training coverage</Link>
      </p>
      <Status message={message} id="not-booked-status" focusable />
      <form
        class="filters"
        role="search"
        aria-label="Find a session"
        onSubmit={(e) => {
          e.preventDefault();
          setSessionQuery(String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim());
        }}
      >
        <div class="field">
          <label for="session-search">Find a session by title</label>
          <input id="session-search" name="q" type="search" maxLength={200} defaultValue={sessionQuery} />
        </div>
        <div class="field field-action">
          <button type="submit" class="button button-secondary">
            Find sessions
          </button>
        </div>
      </form>
      <Loaded state={sessions} what="upcoming sessions">
        {(s) => {
          const listed = chosen && !s.items.some((x) => x.id === chosen.id) ? [chosen, ...s.items] : s.items;
          const total = count(s.total);
          return (
            <div class="field">
              <label for="book-session">Session to book people on</label>
              <p class="hint" id="book-session-hint" aria-live="polite">
                {s.total === 0
                  ? sessionQuery
                    ? `No upcoming session matches “${sessionQuery}”.`
                    : 'There are no upcoming sessions.'
                  : s.total > s.items.length
                    ? `${total} upcoming sessions${sessionQuery ? ' match' : ''}; the ${count(s.items.length)} soonest are listed. Find a session by title to list others.`
                    : `${plural(s.total, 'upcoming session')}${sessionQuery ? (s.total === 1 ? ' matches' : ' match') : ''}.`}
              </p>
              <p class="hint" id="book-session-open">
                Only sessions still open for booking are listed.
              </p>
              <select id="book-session" aria-describedby="book-session-hint book-session-open" value={sessionId} onChange={(e) => setChosen(listed.find((x) => x.id === (e.currentTarget as HTMLSelectElement).value) ?? null)}>
                <option value="">Choose a session</option>
                {listed.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.title}, {formatDateTime(x.startsAt)}
                  </option>
                ))}
              </select>
            </div>
          );
        }}
      </Loaded>
      {chosen?.mode === 'hybrid' && (
        <div class="field">
          <label for="book-seat">Seat</label>
          <select id="book-seat" value={seat} onChange={(e) => setSeat((e.currentTarget as HTMLSelectElement).value === 'in_person' ? 'in_person' : 'online')}>
            <option value="online">Online</option>
            <option value="in_person">In person</option>
          </select>
        </div>
      )}
      {/* "Try again" ends where a booking that works first time does: on the message saying who was booked. */}
      <ActionError action={book} focusTo={() => document.getElementById('not-booked-status')} />
      <ListSearch
        id="people-q"
        label="Find a person by name or email"
        formLabel="Find a person"
        value={find}
        onSearch={(q) => {
          // The same search on its first page: nothing to load again, the count is where its results start.
          if (q === find && !after) document.getElementById('not-booked-count')?.focus();
          else {
            navigate(notBookedHref(orgId, { q, after: '' }));
            searched.current = true;
          }
        }}
      />
      <Loaded state={list} what="staff not yet booked">
        {({ q: shownQ, after: shownAfter, p }) => {
          const total = p.total;
          const matching = shownQ ? ` matching “${shownQ}”` : '';
          // True however many booked since: how many this page shows, of how many there are now.
          const countText =
            total === 0
              ? shownQ
                ? `Nobody matches “${shownQ}”.`
                : 'Everyone has booked a session.'
              : !shownAfter
                ? `Showing ${count(p.items.length)} of ${people(total)} not yet booked${matching}.`
                : p.items.length === 0
                  ? `Nobody more to show: ${people(total)} not yet booked${matching} in all.`
                  : `Showing ${count(p.items.length)} more of ${people(total)} not yet booked${matching}.`;
          const csvHref = `/api/reach/coverage.csv?figure=not_booked${orgId ? `&orgId=${encodeURIComponent(orgId)}` : ''}`;
          return (
            <>
              {/* Said before the list, so nobody follows a download that would be refused. */}
              {!p.downloadable && (
                <div class="notice notice-info" id="not-booked-more">
                  <p>{shownQ ? 'The whole list of people not yet booked is too many for one spreadsheet.' : `${count(total)} people have not booked yet: too many for one spreadsheet.`}</p>
                  <p>
                    To download everyone, look at one organisation at a time: choose it by name on <Link href={`/reach${q}`}>Training coverage</Link>, then open its staff not yet booked.
                  </p>
                </div>
              )}
              {/* A search shown or another page of people focuses this. */}
              <p role="status" class="count" id="not-booked-count" tabIndex={-1}>
                {countText}
              </p>
              {p.items.length > 0 && (
                <table class="stack">
                  <caption>
                    People not yet booked{matching}
                    {shownAfter && <span class="visually-hidden">, continued</span>}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Organisation</th>
                      <th scope="col">Job role</th>
                      <th scope="col">Waiting list</th>
                      <th scope="col">Book</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((x) => (
                      <tr key={x.userId}>
                        <th scope="row" data-label="Name">
                          {x.name}
                        </th>
                        <td data-label="Organisation">{x.orgName}</td>
                        <td data-label="Job role">{x.jobRole ? JOB_ROLE_LABEL[x.jobRole] : 'Not stated'}</td>
                        <td data-label="Waiting list">{x.waiting ? 'Waiting for a seat' : 'No'}</td>
                        <td data-label="Book">
                          {!x.canBook ? (
                            <span>Their school office books them</span>
                          ) : chosen ? (
                            <ActionButton type="button" class="button button-secondary" busy={book.busyFor(x.userId)} blocked={book.busy} busyLabel="Booking…" aria-label={`Book ${x.name} on ${chosen.title}`} onClick={() => void bookPerson(x.userId, x.name, chosen.mode)}>
                              Book
                            </ActionButton>
                          ) : (
                            <span>Choose a session first</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <KeysetPagination
                label="Pages of people not yet booked"
                first={shownAfter ? notBookedHref(orgId, { q: shownQ, after: '' }) : null}
                firstLabel="Back to the start"
                next={p.next ? notBookedHref(orgId, { q: shownQ, after: p.next }) : null}
                nextLabel="Next page"
                resultsId="not-booked-count"
              />
              {/* Offered only when the server will give every person (a longer list is refused, 422, never cut short). */}
              {p.downloadable && (
                <DownloadLink href={csvHref} fallbackName="not-booked.csv">
                  {shownQ ? 'Download everyone not yet booked, not only those found, as a spreadsheet (CSV)' : total > PAGE ? `Download all ${people(total)} as a spreadsheet (CSV)` : 'Download this list as a spreadsheet (CSV)'}
                </DownloadLink>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

