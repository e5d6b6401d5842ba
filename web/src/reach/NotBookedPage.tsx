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
                {(p) =>
                  p.items.length === 0 ? (
                    <p>Everyone has booked a session.</p>
                  ) : (
                    <table class="stack">
                      <caption>
                        {plural(p.items.length, 'person', 'people')} not yet booked{p.truncated ? ' (the first 5,000)' : ''}
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
                  )
                }
              </Loaded>
              <DownloadLink href={`/api/reach/coverage.csv?figure=not_booked${orgId ? `&orgId=${encodeURIComponent(orgId)}` : ''}`} fallbackName="not-booked.csv">
                Download this list as a spreadsheet (CSV)
              </DownloadLink>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
