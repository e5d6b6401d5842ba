/**
 * Staff not yet booked on any session, for the office to book from directly (the office
 * booking API: one person at a time onto the session chosen at the top). The session is
 * found by title among every one still open for booking (`GET /api/sessions?bookingOpen=true&q`:
 * not one whose booking cut-off has passed, which would only refuse), a page of the soonest
 * listed at a time, so none is out of reach however many there are.
 */
import { useState } from 'preact/hooks';
import type { z } from 'zod';
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { BookResult } from '../../../shared/bookings.js';
import { NotBookedList } from '../../../shared/reach.js';
import { SessionList, type SeatKind, type Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { DownloadLink, PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { formatDateTime, plural } from '../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';

const count = (n: number) => n.toLocaleString('en-GB');
/** How many upcoming sessions the session picker lists at once; finding by title narrows the rest. */
const SESSIONS_SHOWN = 50;

export function NotBookedPage() {
  const { loc } = useApp();
  const orgId = loc.query.get('orgId');
  const q = orgId ? `?orgId=${encodeURIComponent(orgId)}` : '';
  const people = useLoad(() => api(`/api/reach/not-booked${q}`, NotBookedList), [orgId]);
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
  const title = 'Staff not yet booked';

  async function bookPerson(userId: string, name: string, mode: string) {
    const chosenSeat: SeatKind = mode === 'online' ? 'online' : mode === 'in_person' ? 'in_person' : seat;
    const r = await book.run(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/bookings`, BookResult, { method: 'POST', body: { userId, seat: chosenSeat } }));
    if (r) {
      setMessage(r.status === 'confirmed' ? `${name} is booked.` : `The session is full: ${name} is on the waiting list${r.position ? `, place ${r.position}` : ''}.`);
      await people.reload();
      // The person booked leaves the list (and their Book button with them): the message takes focus.
      focusLater(() => document.getElementById('not-booked-status'));
    }
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
      <ActionError action={book} />
      <Loaded state={people} what="staff not yet booked">
        {(p) => {
          const total = count(p.total);
          const csvHref = `/api/reach/coverage.csv?figure=not_booked${orgId ? `&orgId=${encodeURIComponent(orgId)}` : ''}`;
          return (
            <>
              {/* Said before the list, so nobody takes the first 5,000 for everyone, nor follows a download that would be refused. */}
              {(p.truncated || !p.downloadable) && (
                <div class="notice notice-info" id="not-booked-more">
                  <p>
                    {p.truncated
                      ? `${total} people have not booked yet. This page lists the first ${count(p.items.length)} of them, by organisation and name; ${p.downloadable ? `the spreadsheet below lists all ${total}.` : 'that is too many for one spreadsheet too.'}`
                      : `${total} people have not booked yet: too many for one spreadsheet.`}
                  </p>
                  <p>
                    To {p.downloadable ? 'see' : 'see and download'} everyone, look at one organisation at a time: choose it by name on <Link href={`/reach${q}`}>Training coverage</Link>, then open its staff not yet booked.
                  </p>
                </div>
              )}
              {p.items.length === 0 ? (
                <p>Everyone has booked a session.</p>
              ) : (
                <table class="stack">
                  <caption>
                    {p.truncated ? `The first ${count(p.items.length)} of ${total} people not yet booked` : `${plural(p.items.length, 'person', 'people')} not yet booked`}
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
                            <ActionButton type="button" class="button button-secondary" busy={book.busy} busyLabel="Booking…" aria-label={`Book ${x.name} on ${chosen.title}`} onClick={() => void bookPerson(x.userId, x.name, chosen.mode)}>
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
              {/* Offered only when the server will give every person (a longer list is refused, 422, never cut short). */}
              {p.downloadable && (
                <DownloadLink href={csvHref} fallbackName="not-booked.csv">
                  {p.truncated ? `Download all ${total} people as a spreadsheet (CSV)` : 'Download this list as a spreadsheet (CSV)'}
                </DownloadLink>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
