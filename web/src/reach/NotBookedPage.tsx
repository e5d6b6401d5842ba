/**
 * Staff not yet booked on any session, for the office to book from directly (the office
 * booking API: one person at a time onto the session chosen at the top).
 */
import { useState } from 'preact/hooks';
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { BookResult } from '../../../shared/bookings.js';
import { NotBookedList } from '../../../shared/reach.js';
import { SessionList, type SeatKind } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { DownloadLink, PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { formatDateTime, plural } from '../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';

const count = (n: number) => n.toLocaleString('en-GB');

export function NotBookedPage() {
  const { loc } = useApp();
  const orgId = loc.query.get('orgId');
  const q = orgId ? `?orgId=${encodeURIComponent(orgId)}` : '';
  const people = useLoad(() => api(`/api/reach/not-booked${q}`, NotBookedList), [orgId]);
  const sessions = useLoad(() => api(`/api/sessions?from=${encodeURIComponent(new Date().toISOString())}&limit=100`, SessionList), []);
  const [sessionId, setSessionId] = useState('');
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
      <Loaded state={sessions} what="upcoming sessions">
        {(s) => {
          const chosen = s.items.find((x) => x.id === sessionId);
          return (
            <>
              <div class="field">
                <label for="book-session">Session to book people on</label>
                <select id="book-session" value={sessionId} onChange={(e) => setSessionId((e.currentTarget as HTMLSelectElement).value)}>
                  <option value="">Choose a session</option>
                  {s.items.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.title}, {formatDateTime(x.startsAt)}
                    </option>
                  ))}
                </select>
              </div>
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
        }}
      </Loaded>
    </>
  );
}
