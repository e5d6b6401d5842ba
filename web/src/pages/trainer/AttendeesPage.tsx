import { useEffect, useRef, useState } from 'preact/hooks';
import { AttendeeList, Booking, type AttendeeEntry } from '../../../../shared/bookings.js';
import { Session, type SeatKind } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { Badge, ConfirmButton, described, DownloadLink, Field, PageHeading, Status, TextField, useApp, useFocusLater, PendingHeading } from '../../components.js';
import { counted, formatDateTime, ordinal, plural, seatLabel, statusLabel } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { Link, navigate } from '../../router.js';
import { Pagination } from '../../pagination.js';
import { serverNow } from '../../clock.js';
import { offerExpiry, offerLapsedAt, useClockPast } from '../BookingsPage.js';

type SortKey = 'queue' | 'name' | 'school' | 'status';
const SORTS: Record<SortKey, string> = { queue: 'Booking order', name: 'Name', school: 'School', status: 'Status' };
const STATUS_ORDER = ['confirmed', 'offered', 'waitlisted', 'attended', 'absent', 'cancelled'];
/** Statuses with a seat: once a session's outcomes are written, its booked people are attended or absent (still booked, as My sessions counts them). */
const SEATED = ['confirmed', 'attended', 'absent'];
const matchesStatus = (filter: string, status: string) => filter === 'all' || status === filter || (filter === 'confirmed' && SEATED.includes(status));

/** Who is coming to a session: filter, sort, download; move people between seat kinds; remove a booking with a reason. */
export function AttendeesPage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(async () => {
    const [session, list] = await Promise.all([api(`/api/sessions/${encodeURIComponent(id)}`, Session), api(`/api/sessions/${encodeURIComponent(id)}/attendees`, AttendeeList)]);
    return { session, items: list.items };
  }, [id]);
  return (
    <>
      <PendingHeading state={state} title="Who is coming" navigated={loc.navigated} />
      <Loaded state={state} what="who is coming">
      {(d) => <Attendees s={d.session} items={d.items} navigated={loc.navigated} reload={state.reload} />}
      </Loaded>
    </>
  );
}

/** How many people Who is coming lists a page (a popular session's queue runs to thousands). */
const ATTENDEES_PAGE = 100;

function Attendees({ s, items, navigated, reload }: { s: Session; items: AttendeeEntry[]; navigated: boolean; reload: () => Promise<void> }) {
  const { loc } = useApp();
  const [status, setStatusState] = useState('all');
  const [seat, setSeatState] = useState('all');
  const [text, setTextState] = useState('');
  const [sort, setSortState] = useState<SortKey>('queue');
  // A new filter or order starts again at the first page (`?page=` in the address).
  const firstPage = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    if (loc.query.has('page')) navigate(loc.path, { replace: true });
  };
  const [setStatus, setSeat, setText, setSort] = [firstPage(setStatusState), firstPage(setSeatState), firstPage(setTextState), firstPage(setSortState)];
  const [message, setMessage] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  const action = useAction();
  const focusLater = useFocusLater();
  const title = `Who is coming: ${s.title}`;

  const q = text.trim().toLowerCase();
  const shown = items
    .filter((r) => matchesStatus(status, r.status) && (seat === 'all' || r.seat === seat) && (!q || r.name.toLowerCase().includes(q) || (r.orgName ?? '').toLowerCase().includes(q) || r.email.toLowerCase().includes(q)))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const by = sort === 'name' ? a.r.name.localeCompare(b.r.name) : sort === 'school' ? (a.r.orgName ?? '').localeCompare(b.r.orgName ?? '') : sort === 'status' ? STATUS_ORDER.indexOf(a.r.status) - STATUS_ORDER.indexOf(b.r.status) : 0;
      return by || a.i - b.i;
    })
    .map((x) => x.r);
  const pages = Math.max(1, Math.ceil(shown.length / ATTENDEES_PAGE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1));
  const from = (page - 1) * ATTENDEES_PAGE;
  const visible = shown.slice(from, from + ATTENDEES_PAGE);
  const pageHref = (n: number) => (n > 1 ? `${loc.path}?page=${n}` : loc.path);
  // A page past the last (people removed, or a narrower filter) shows the last, and the address says so.
  const asked = loc.query.get('page');
  useEffect(() => {
    if (asked !== null && asked !== String(page)) navigate(pageHref(page), { replace: true });
  }, [asked, page]);

  // What follows success is part of each action, so "Try again" after a failure does it too.
  async function move(r: AttendeeEntry, to: SeatKind) {
    await action.run(async () => {
      await api(`/api/bookings/${encodeURIComponent(r.bookingId)}/seat`, Booking, { method: 'POST', body: { seat: to } });
      setMessage(`${r.name} moved to ${seatLabel[to].toLowerCase()}. They have been told.`);
      await reload();
      focusLater(() => document.getElementById('attendees-status'));
    }, { onRefused: reload });
  }
  async function remove(r: AttendeeEntry, reason: string) {
    await action.run(async () => {
      await api(`/api/bookings/${encodeURIComponent(r.bookingId)}/remove`, Booking, { method: 'POST', body: { reason } });
      setRemoving(null);
      setMessage(`${r.name} removed. They have been sent your reason.`);
      await reload();
      // The form (and the row's buttons) have gone: the message saying what happened takes focus.
      focusLater(() => document.getElementById('attendees-status'));
    }, { onRefused: () => { setRemoving(null); return reload(); } });
  }

  // What the server allows (server/bookings/service.ts): a place on the register (attended or
  // absent) is kept, and once the session has ended only a waiting place can still be removed;
  // a seat moved after the session would mean nothing. No button is offered that can only be refused.
  const ended = Date.parse(s.endsAt) <= serverNow();
  // An offer whose time ran out while the page is open is not a place any more (the server
  // refuses to move it, and its sweep passes the seat on): shown so, with nothing to do to it.
  const now = useClockPast(items.map(offerExpiry));
  const lapsed = (r: AttendeeEntry) => offerLapsedAt(r, now);
  const open = (r: AttendeeEntry) => (r.status === 'confirmed' || r.status === 'offered' || r.status === 'waitlisted') && !lapsed(r);
  const canMove = (r: AttendeeEntry) => !ended && open(r);
  const canRemove = (r: AttendeeEntry) => r.status === 'waitlisted' || (!ended && open(r));

  const counts = { confirmed: 0, offered: 0, waitlisted: 0, attended: 0, absent: 0 } as Record<string, number>;
  for (const r of items) if (!lapsed(r)) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const booked = counts.confirmed! + counts.attended! + counts.absent!;
  const outcomes = counts.attended! + counts.absent! > 0 ? ` (${counts.attended} attended, ${counts.absent} absent)` : '';

  return (
    <>
      <PageHeading title={title} navigated={navigated}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href="/trainer/sessions">Back to my sessions</Link>
      </p>
      <p>
        {plural(booked, 'person', 'people')} booked{outcomes}, {counts.offered ?? 0} offered a seat, {counts.waitlisted ?? 0} waiting.
      </p>
      {/* Refused (403) once the session has been handed to other trainers. */}
      <DownloadLink href={`/api/sessions/${encodeURIComponent(s.id)}/attendees.csv`} fallbackName="who-is-coming.csv">
        Download everyone as a spreadsheet (CSV)
      </DownloadLink>
      <form class="filters" aria-label="Filter and sort" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            <option value="all">Everyone</option>
            <option value="confirmed">Booked</option>
            <option value="offered">Offered a seat</option>
            <option value="waitlisted">Waiting</option>
            {outcomes && <option value="attended">Attended</option>}
            {outcomes && <option value="absent">Absent</option>}
          </select>
        </div>
        {s.mode === 'hybrid' && (
          <div class="field">
            <label for="f-seat">Seat</label>
            <select id="f-seat" value={seat} onChange={(e) => setSeat((e.currentTarget as HTMLSelectElement).value)}>
              <option value="all">Both kinds</option>
              <option value="in_person">In person</option>
              <option value="online">Online</option>
            </select>
          </div>
        )}
        <TextField id="f-text" label="Name, email or school" type="search" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        <div class="field">
          <label for="f-sort">Sort by</label>
          <select id="f-sort" value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as SortKey)}>
            {Object.entries(SORTS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {/* What an action did, and (below) how many are shown: two regions, so a message never
          hides the count, and the count is said as it changes (a filter, a removal). */}
      <Status id="attendees-status" focusable message={message} />
      {/* "Try again" ends where a move or removal that works first time does: on the message saying what was done. */}
      <ActionError action={action} focusTo={() => document.getElementById('attendees-status')} />
      {/* Turning a page focuses the count (Pagination's resultsId): the new rows start there. */}
      <p role="status" class="count" id="attendees-count" tabIndex={-1}>
        {pages > 1 ? `Showing ${(from + 1).toLocaleString('en-GB')} to ${(from + visible.length).toLocaleString('en-GB')} of ${counted(shown.length, 'person', 'people')} (${items.length.toLocaleString('en-GB')} in all).` : `Showing ${plural(shown.length, 'person', 'people')} of ${items.length}.`}
      </p>
      <Pagination label="Pages of people, above the table" page={page} pages={pages} href={pageHref} resultsId="attendees-count" />
      {shown.length > 0 && (
        <table class="stack">
          <caption>
            {plural(shown.length, 'person', 'people')}
            {pages > 1 ? `, page ${page} of ${pages}` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">School</th>
              <th scope="col">Seat</th>
              <th scope="col">Status</th>
              <th scope="col">Booked by</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={r.bookingId}>
                <th scope="row" data-label="Name">
                  {r.name}
                  <br />
                  <span class="muted">{r.email}</span>
                </th>
                <td data-label="School">{r.orgName ?? 'None'}</td>
                <td data-label="Seat">{seatLabel[r.seat]}</td>
                <td data-label="Status">
                  {lapsed(r) && r.offerExpiresAt ? (
                    <>
                      <Badge tone="cancelled">Offer expired</Badge> at {formatDateTime(r.offerExpiresAt)}: the seat passes to the next person
                    </>
                  ) : (
                    <>
                      <Badge tone={r.status}>{statusLabel[r.status]}</Badge>
                      {r.position !== null && <> {ordinal(r.position)} in the queue</>}
                      {r.offerExpiresAt && <> until {formatDateTime(r.offerExpiresAt)}</>}
                    </>
                  )}
                </td>
                <td data-label="Booked by">{r.bookedBy ?? 'Themselves'}</td>
                <td data-label="Actions">
                  {s.status === 'scheduled' && removing !== r.bookingId && !canMove(r) && !canRemove(r) && <span class="muted">{lapsed(r) ? 'None: the offer has expired' : 'None: the session is over'}</span>}
                  {s.status === 'scheduled' && removing !== r.bookingId && (canMove(r) || canRemove(r)) && (
                    <div class="actions">
                      {s.mode === 'hybrid' && canMove(r) && (
                        <MoveButton r={r} busy={action.busy} onMove={(to) => void move(r, to)} />
                      )}
                      {canRemove(r) && (
                        <button type="button" id={`remove-${r.bookingId}`} class="button button-danger" onClick={() => setRemoving(r.bookingId)} aria-label={`Remove ${r.name}`}>
                          Remove
                        </button>
                      )}
                    </div>
                  )}
                  {removing === r.bookingId && <RemoveForm r={r} busy={action.busy} onRemove={(reason) => void remove(r, reason)} onKeep={() => {
                        setRemoving(null);
                        focusLater(() => document.getElementById(`remove-${r.bookingId}`));
                      }} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination label="Pages of people, below the table" page={page} pages={pages} href={pageHref} resultsId="attendees-count" />
    </>
  );
}

function RemoveForm({ r, busy, onRemove, onKeep }: { r: AttendeeEntry; busy: boolean; onRemove: (reason: string) => void; onKeep: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const id = `reason-${r.bookingId}`;
  return (
    <form
      class="confirm"
      aria-label={`Remove ${r.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason.trim()) return setError(`Give a reason: it is sent to ${r.name}`);
        setError('');
        onRemove(reason.trim());
      }}
    >
      <Field id={id} label={`Reason (sent to ${r.name})`} error={error} announce>
        <input ref={ref} id={id} type="text" maxLength={500} value={reason} {...described(id, undefined, error)} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <div class="actions">
        <ActionButton class="button button-danger" busy={busy} busyLabel="Removing…">
          Remove and tell them
        </ActionButton>
        <button type="button" class="button button-secondary" onClick={onKeep}>
          Keep {r.name}
        </button>
      </div>
    </form>
  );
}

/**
 * Moving someone to the other room, asked first: a seat they leave goes at once to whoever
 * waits for one, so moving them back may find no seat.
 */
function MoveButton({ r, busy, onMove }: { r: AttendeeEntry; busy: boolean; onMove: (to: SeatKind) => void }) {
  const to: SeatKind = r.seat === 'online' ? 'in_person' : 'online';
  const word = (k: SeatKind) => (k === 'online' ? 'online' : 'in-person');
  const [from, toWord] = [word(r.seat), word(to)];
  const text = `Move to ${r.seat === 'online' ? 'in person' : 'online'}`;
  const question =
    r.status === 'waitlisted'
      ? `Move ${r.name} to the ${toWord} waitlist? They wait for an ${toWord} seat instead of an ${from} one, and are told by email.`
      : `Move ${r.name} to an ${toWord} seat? Their ${from} seat goes at once to the next person waiting for one, so moving them back may find no seat free. They are told by email.`;
  return <ConfirmButton label={`${text}: ${r.name}`} text={text} busyText="Working…" question={question} confirmLabel="Yes, move them" keepLabel={r.status === 'waitlisted' ? 'No, keep their place' : 'No, keep their seat'} variant="secondary" busy={busy} onConfirm={() => onMove(to)} />;
}
