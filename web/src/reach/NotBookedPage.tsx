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
 *
 * Booking someone says where they were put (the session, the seat; a waiting list place, and
 * whether the seats left are held for other schools) beside the table, and their row keeps
 * saying it in place of its Book button for that session, though the list read again no longer
 * has them, with a link to their booking (to look at it or cancel it). Focus goes to those
 * words in their row, never to another person's Book button: Enter pressed again does nothing
 * there, where on the next Book button it booked the next person by mistake. A hybrid
 * session's seat is chosen, never assumed, and named in each Book button.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { BookResult } from '../../../shared/bookings.js';
import { NotBookedCursor, NotBookedList, type NotBookedPerson } from '../../../shared/reach.js';
import { SessionList, type SeatKind, type Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { DownloadLink, PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { counted, formatDateTime, plural, seatAdjective } from '../format.js';
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

type Person = z.infer<typeof NotBookedPerson>;
/** Where booking a person from the page put them on a session. */
interface Placed {
  /** Their booking: its page shows it and cancels it. */
  bookingId: string;
  status: 'confirmed' | 'waitlisted';
  position?: number;
  seat: SeatKind;
  sessionTitle: string;
}
/**
 * A person booked from the page of the list in view (`view`), kept in view with their place
 * though the list read again no longer has them (someone booked has left "not yet booked"),
 * where they were: above `before` (the person shown below them then; null: the last).
 */
interface Kept {
  person: Person;
  sessionId: string;
  view: string;
  before: string | null;
}

/** "online", "in-person": as the office's other pages name a seat ("Confirmed, in-person seat"). */
const seatWord = (seat: SeatKind) => seatAdjective[seat];
const viewOf = (q: string, after: string) => `${q}\n${after}`;
const placeKey = (sessionId: string, userId: string) => `${sessionId}\n${userId}`;
const rowId = (userId: string) => `not-booked-row-${userId}`;
const placedId = (userId: string) => `not-booked-placed-${userId}`;

/** What a row says in place of its Book button once booked: on what, in which seat, or which waiting list place. */
function placedText(p: Placed): string {
  return p.status === 'confirmed'
    ? `Booked on ${p.sessionTitle} (${seatWord(p.seat)} seat)`
    : `On the waiting list for ${p.sessionTitle} (${seatWord(p.seat)} seat)${p.position ? `, place ${p.position}` : ''}`;
}

/**
 * A row's words once its person is booked (they take focus: who, on what), and the link to
 * their booking, to look at it or cancel it if booked by mistake.
 */
function PlacedCell({ person, placed }: { person: Person; placed: Placed }) {
  return (
    <>
      <span id={placedId(person.userId)} tabIndex={-1}>
        <span class="visually-hidden">{person.name}: </span>
        {placedText(placed)}.
      </span>{' '}
      <Link href={`/bookings/${encodeURIComponent(placed.bookingId)}`}>View or cancel {person.name}’s booking</Link>
    </>
  );
}

/**
 * The people a page shows: the list as now read, with those booked from it that it no longer
 * has back where they were (above the person below them then, or last).
 */
function withKept(fresh: Person[], kept: Kept[]): { person: Person; gone: boolean }[] {
  const present = new Set(fresh.map((x) => x.userId));
  const gone = kept.filter((k) => !present.has(k.person.userId));
  const out: { person: Person; gone: boolean }[] = [];
  const placed = new Set<string>();
  const above = (id: string | null) => {
    for (const k of gone) {
      if (k.before !== id || placed.has(k.person.userId)) continue;
      placed.add(k.person.userId);
      // Booked in turn down the page: each above the one booked after it.
      above(k.person.userId);
      out.push({ person: k.person, gone: true });
    }
  };
  for (const x of fresh) {
    above(x.userId);
    out.push({ person: x, gone: false });
  }
  above(null);
  // Any whose row below them has gone too (booked elsewhere meanwhile): last, in the order booked.
  for (const k of gone) {
    if (placed.has(k.person.userId)) continue;
    placed.add(k.person.userId);
    out.push({ person: k.person, gone: true });
  }
  return out;
}

/**
 * What booking `name` did, in words: the session and seat, or the waiting list place and why
 * (every seat taken, or the seats left held for other schools, which the answer says).
 */
function bookedMessage(r: z.infer<typeof BookResult>, name: string, orgName: string, title: string): string {
  if (r.status === 'confirmed') return `${name} is booked on ${title} (${seatWord(r.seat)} seat).`;
  const place = `${name} is on the waiting list${r.position ? `, place ${r.position}` : ''}.`;
  if (r.heldForOthers) {
    const held = r.heldForOthers === 1 ? 'the 1 empty seat is held for another school' : `the ${count(r.heldForOthers)} empty seats are held for other schools`;
    return `No ${seatWord(r.seat)} seats on ${title} are free to ${orgName}’s staff: ${held}. ${place}`;
  }
  return `Every ${seatWord(r.seat)} seat on ${title} is taken. ${place}`;
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
  // A hybrid session's seat is chosen for it (none until then), never taken as online unseen.
  const [seat, setSeat] = useState<SeatKind | ''>('');
  const [message, setMessage] = useState('');
  // Where people booked from the page were put, by session and person; and those kept in view.
  const [places, setPlaces] = useState<ReadonlyMap<string, Placed>>(new Map());
  const [kept, setKept] = useState<readonly Kept[]>([]);
  // Another page or search shown: those kept in view of the one before are let go (coming back
  // shows the list as it is, without them, as its count says).
  const shownView = list.data ? viewOf(list.data.q, list.data.after) : null;
  useEffect(() => {
    if (shownView !== null) setKept((k) => (k.some((x) => x.view !== shownView) ? k.filter((x) => x.view === shownView) : k));
  }, [shownView]);
  const book = useAction();
  const focusLater = useFocusLater();
  useEffect(() => {
    if (!searched.current || list.loading) return;
    searched.current = false;
    focusLater(() => document.getElementById('not-booked-count'), { force: true });
  }, [list.loading]);
  const title = 'Staff not yet booked';

  /**
   * Where focus goes once `userId` is booked (their Book button has gone): their row's new words,
   * saying who was booked on what, never the next person's Book button (a second Enter there
   * booked the next person by mistake). Tab goes on to the link to their booking, then down the list.
   */
  const placedWords = (userId: string) => () => document.getElementById(placedId(userId));

  async function bookPerson(person: Person, session: z.infer<typeof Session>, chosenSeat: SeatKind, view: string, before: string | null) {
    const { userId, name } = person;
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await book.run(async () => {
      const r = await api(`/api/sessions/${encodeURIComponent(session.id)}/bookings`, BookResult, { method: 'POST', body: { userId, seat: chosenSeat } });
      setMessage(bookedMessage(r, name, person.orgName, session.title));
      setPlaces((m) => new Map(m).set(placeKey(session.id, userId), { bookingId: r.id, status: r.status, position: r.position, seat: r.seat, sessionTitle: session.title }));
      setKept((k) => [...k.filter((x) => x.person.userId !== userId), { person, sessionId: session.id, view, before }]);
      // Their Book button has gone: focus to their row's words saying what happened.
      focusLater(placedWords(userId));
      // The page in view again, as it is now (the count with it); their row stays.
      await list.reload();
    }, { for: userId, focusAfterRetry: placedWords(userId) });
  }

  return (
    <>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href={`/reach${q}`}>Back to training coverage</Link>
      </p>
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
              <select
                id="book-session"
                aria-describedby="book-session-hint book-session-open"
                value={sessionId}
                onChange={(e) => {
                  setChosen(listed.find((x) => x.id === (e.currentTarget as HTMLSelectElement).value) ?? null);
                  // Another session's seat is chosen afresh.
                  setSeat('');
                }}
              >
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
          <label for="book-seat">Seat to book people on</label>
          <p class="hint" id="book-seat-hint">
            This session is in person and online: choose which seat to book people on.
          </p>
          <select id="book-seat" aria-describedby="book-seat-hint" value={seat} onChange={(e) => { const v = (e.currentTarget as HTMLSelectElement).value; setSeat(v === 'in_person' || v === 'online' ? v : ''); }}>
            <option value="">Choose a seat</option>
            <option value="in_person">In person</option>
            <option value="online">Online</option>
          </select>
        </div>
      )}
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
          const view = viewOf(shownQ, shownAfter);
          const rows = withKept(p.items, kept.filter((k) => k.view === view));
          const goneShown = rows.filter((r) => r.gone).length;
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
          // Those booked just now stay in view, not counted among those not yet booked.
          const keptText = goneShown ? ` Also shown: ${people(goneShown)} booked just now.` : '';
          const seatChosen: SeatKind | '' = !chosen ? '' : chosen.mode === 'hybrid' ? seat : chosen.mode;
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
                {keptText}
              </p>
              {/* Beside the table, where the Book buttons are: what a booking did, or why it failed. */}
              <Status message={message} id="not-booked-status" />
              <ActionError action={book} />
              {rows.length > 0 && (
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
                    {rows.map(({ person: x, gone }, i) => {
                      const placed = chosen ? places.get(placeKey(chosen.id, x.userId)) : undefined;
                      // Booked just now onto another session than the one chosen (and so gone from the list): said as that.
                      const keptOn = gone && !placed ? kept.find((k) => k.person.userId === x.userId) : undefined;
                      const elsewhere = keptOn ? places.get(placeKey(keptOn.sessionId, x.userId)) : undefined;
                      const before = rows[i + 1]?.person.userId ?? null;
                      return (
                        <tr key={x.userId} id={rowId(x.userId)}>
                          <th scope="row" data-label="Name">
                            {x.name}
                          </th>
                          <td data-label="Organisation">{x.orgName}</td>
                          <td data-label="Job role">{x.jobRole ? JOB_ROLE_LABEL[x.jobRole] : 'Not stated'}</td>
                          <td data-label="Waiting list">{x.waiting ? 'Waiting for a seat' : 'No'}</td>
                          <td data-label="Book">
                            {placed ? (
                              <PlacedCell person={x} placed={placed} />
                            ) : elsewhere ? (
                              <PlacedCell person={x} placed={elsewhere} />
                            ) : !x.canBook ? (
                              <span>Their school office books them</span>
                            ) : !chosen ? (
                              <span>Choose a session first</span>
                            ) : !seatChosen ? (
                              <span>Choose a seat first</span>
                            ) : (
                              <ActionButton
                                type="button"
                                class="button button-secondary"
                                busy={book.busyFor(x.userId)}
                                blocked={book.busy}
                                busyLabel="Booking…"
                                aria-label={`Book ${x.name} on ${chosen.title}${chosen.mode === 'hybrid' ? `, ${seatWord(seatChosen)} seat` : ''}`}
                                onClick={() => void bookPerson(x, chosen, seatChosen, view, before)}
                              >
                                Book
                              </ActionButton>
                            )}
                          </td>
                        </tr>
                      );
                    })}
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

