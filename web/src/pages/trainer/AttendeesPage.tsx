import { useEffect, useRef, useState } from 'preact/hooks';
import { AttendeeList, AttendeeSort, AttendeeStatusFilter, AttendeesQuery, Booking, RemovedBooking, RemoveBookingInput, type AttendeeEntry, type PromotedPlace } from '../../../../shared/bookings.js';
import { Session, type SeatKind } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { Badge, ConfirmButton, described, DownloadLink, Field, lengthHint, PageHeading, Status, tooLongError, useApp, useFocusLater, PendingHeading } from '../../components.js';
import { counted, formatDateTime, ordinal, plural, seatAdjective, seatLabel, statusLabel } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { Link, navigate } from '../../router.js';
import { checkSearch, correctTheSearch, Pagination, SearchField } from '../../pagination.js';
import { serverNow } from '../../clock.js';
import { offerExpiry, offerLapsedAt, useClockPast } from '../BookingsPage.js';

/**
 * Who got the seat a removal freed, as a sentence to follow "removed" (nothing when no one
 * waiting could have it): "Their in-person seat went to Dafydd Price, first on the waiting list
 * (offered until …)" or "(confirmed)"; they have been told by email, as the queue always does.
 */
export function whoCameUp(promoted: readonly PromotedPlace[]): string {
  return promoted
    .map((p) => {
      const place = p.firstInQueue ? 'first on the waiting list' : 'the first on the waiting list the seat was free to';
      const how = p.status === 'offered' && p.offerExpiresAt ? `offered to them until ${formatDateTime(p.offerExpiresAt)}` : 'confirmed';
      return ` Their ${p.seat === 'in_person' ? 'in-person' : 'online'} seat went to ${p.name}, ${place} (${how}); they have been told.`;
    })
    .join('');
}

const SORTS: Record<AttendeeSort, string> = { queue: 'Booking order', name: 'Name', school: 'School', status: 'Status' };

/** How many people Who is coming lists a page (a popular session's queue runs to thousands: the server reads one page). */
const ATTENDEES_PAGE = 100;
/** The furthest page the server will read (its largest offset, a million, over the page size). */
const MAX_PAGE = 1_000_000 / ATTENDEES_PAGE;
/** How long typing pauses before the list is asked for what was typed. */
const TYPING_PAUSE_MS = 300;
/** The longest reason for taking someone off, in characters: the service's schema's own (a pasted text is refused with a word, not cut short). */
const MAX_REASON_CHARS = RemoveBookingInput.shape.reason.in.maxLength!;

/**
 * What the list is narrowed and ordered by, and its page, from the address (`?status=&seat=&q=&sort=&page=`); anything unknown there is no filter.
 * The search is as typed: one the service would refuse (checkSearch) is said at its field, not cut short without a word.
 */
function askedOf(query: URLSearchParams) {
  return {
    status: AttendeeStatusFilter.safeParse(query.get('status')).data ?? 'all',
    seat: AttendeesQuery.shape.seat.safeParse(query.get('seat') ?? undefined).data ?? 'all',
    q: (query.get('q') ?? '').trim(),
    sort: AttendeeSort.safeParse(query.get('sort')).data ?? 'queue',
    // No further than the server reads (an offset of a million): a page past the last is put right once the count is known.
    page: Math.min(MAX_PAGE, Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1)),
  };
}
type Asked = ReturnType<typeof askedOf>;

/** The page's address for `asked`, leaving out what is as it would be anyway. */
function hrefOf(path: string, asked: Asked) {
  const p = new URLSearchParams();
  if (asked.status !== 'all') p.set('status', asked.status);
  if (asked.seat !== 'all') p.set('seat', asked.seat);
  if (asked.q) p.set('q', asked.q);
  if (asked.sort !== 'queue') p.set('sort', asked.sort);
  if (asked.page > 1) p.set('page', String(asked.page));
  return p.size ? `${path}?${p}` : path;
}

/** Whether two searches are the same search as the service reads them (a pasted tab is a space). */
const sameSearch = (a: string, b: string) => (checkSearch(a).q ?? a.trim()) === (checkSearch(b).q ?? b.trim());

/** Who is coming to a session: filter, sort, download; move people between seat kinds; remove a booking with a reason. */
export function AttendeesPage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  return (
    <>
      <PendingHeading state={state} title="Who is coming" navigated={loc.navigated} />
      <Loaded state={state} what="who is coming">
        {(session) => <Attendees s={session} navigated={loc.navigated} />}
      </Loaded>
    </>
  );
}

function Attendees({ s, navigated }: { s: Session; navigated: boolean }) {
  const { loc } = useApp();
  // The list is read a page at a time, narrowed and ordered by the server, as the address asks.
  const asked = askedOf(loc.query);
  // The search in the address, checked with the schema the service checks it with: one it would refuse is not sent.
  const searched = checkSearch(asked.q);
  const list = useLoad(async () => {
    if (searched.error !== undefined) return null;
    const p = new URLSearchParams({ status: asked.status, seat: asked.seat, sort: asked.sort, limit: String(ATTENDEES_PAGE), offset: String((asked.page - 1) * ATTENDEES_PAGE) });
    if (searched.q) p.set('q', searched.q);
    // The answer carries what it was asked for: the count and caption describe the rows in view while the next page loads.
    return { ...(await api(`/api/sessions/${encodeURIComponent(s.id)}/attendees?${p}`, AttendeeList)), asked };
  }, [s.id, asked.status, asked.seat, asked.q, asked.sort, asked.page]);
  // A new filter or order starts again at the first page, replacing the address rather than adding to history.
  const change = (next: Partial<Asked>) => navigate(hrefOf(loc.path, { ...asked, page: 1, ...next }), { replace: true });
  // What is typed is asked for once typing pauses; the box follows the address (Back, Forward).
  // A search the service would refuse is not asked for: said at the field (`refused`), with no
  // list under it as if it were what was found.
  const [text, setText] = useState(asked.q);
  const [refused, setRefused] = useState<string | null>(null);
  const typing = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    if (sameSearch(text, asked.q)) return;
    setText(asked.q);
    setRefused(null);
  }, [asked.q]);
  useEffect(() => () => clearTimeout(typing.current), []);
  const typed = (v: string) => {
    setText(v);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => {
      const checked = checkSearch(v);
      setRefused(checked.error ?? null);
      if (checked.error !== undefined) return;
      // As the address is now (a filter chosen during the pause stays chosen).
      const now = askedOf(new URLSearchParams(location.search));
      if (checked.q !== now.q) navigate(hrefOf(loc.path, { ...now, page: 1, q: checked.q }), { replace: true });
    }, TYPING_PAUSE_MS);
  };
  const searchProblem = refused ?? searched.error;
  const [message, setMessage] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  // People removed since the rows in view were loaded (`from`: those rows): their rows say so,
  // with nothing to press, until the list read again (without them) comes back, or for as long
  // as it does not. Any answer loaded after a removal already knows of it.
  const [removed, setRemoved] = useState<{ from: unknown; ids: ReadonlySet<string> }>({ from: undefined, ids: new Set() });
  const action = useAction();
  const focusLater = useFocusLater();
  const title = `Who is coming: ${s.title}`;

  const data = list.data;
  const items = data?.items ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / ATTENDEES_PAGE));
  // The page in view: the one its rows were loaded for.
  const page = data?.asked.page ?? asked.page;
  const from = (page - 1) * ATTENDEES_PAGE;
  const pageHref = (n: number) => hrefOf(loc.path, { ...asked, page: n });
  // A page past the last (people removed, or a narrower filter) shows the last, and the address says so.
  useEffect(() => {
    if (data && data.asked.page === asked.page && asked.page > pages) navigate(pageHref(pages), { replace: true });
  }, [data, asked.page, pages]);
  // The page links once the rows are there (as the office's bookings): before, `pages` is 1 for
  // want of a count, and a link to ?page=3 would say "Go to the first page" while the list first
  // loads; nor while a page past the last is being replaced by the last (above).
  const paged = data != null && page <= pages;
  const reload = list.reload;
  // The rows as last rendered, for a removal to mark (the closure it started from may be older).
  const shownData = useRef(data);
  shownData.current = data;
  const gone = (r: AttendeeEntry) => removed.from === data && removed.ids.has(r.bookingId);

  // What follows success is part of each action, so "Try again" after a failure does it too.
  async function move(r: AttendeeEntry, to: SeatKind) {
    await action.run(async () => {
      await api(`/api/bookings/${encodeURIComponent(r.bookingId)}/seat`, Booking, { method: 'POST', body: { seat: to } });
      setMessage(`${r.name} moved to ${to === 'online' ? 'an online' : 'an in-person'} seat. They have been told.`);
      await reload();
      focusLater(() => document.getElementById('attendees-status'));
    }, { onRefused: reload, for: r.bookingId });
  }
  async function remove(r: AttendeeEntry, reason: string) {
    await action.run(async () => {
      const removedBooking = await api(`/api/bookings/${encodeURIComponent(r.bookingId)}/remove`, RemovedBooking, { method: 'POST', body: { reason } });
      // The row says at once that they are removed, offering nothing more, rather than "Remove"
      // again (which could only be refused) until the list is read again.
      const from = shownData.current;
      setRemoved((m) => ({ from, ids: new Set([...(m.from === from ? m.ids : []), r.bookingId]) }));
      setRemoving(null);
      setMessage(`${r.name} removed. They have been sent your reason.${whoCameUp(removedBooking.promoted)}`);
      // The form (and the row's buttons) have gone: the message saying what happened takes
      // focus now, not once the list is back (it would be on <body> meanwhile).
      focusLater(() => document.getElementById('attendees-status'));
      await reload();
    }, { onRefused: () => { setRemoving(null); return reload(); } });
  }

  // What the server allows (server/bookings/service.ts): a place on the register (attended or
  // absent) is kept, and once the session has ended only a waiting place can still be removed;
  // a seat moved after the session would mean nothing. No button is offered that can only be refused.
  const ended = Date.parse(s.endsAt) <= serverNow();
  // An offer whose time ran out while the page is open is not a place any more (the server
  // refuses to move it, and its sweep passes the seat on): shown so, with nothing to do to it.
  const now = useClockPast([...items.map(offerExpiry), ...(data?.offersUntil ?? []).map(Date.parse)]);
  const lapsed = (r: AttendeeEntry) => offerLapsedAt(r, now);
  const open = (r: AttendeeEntry) => (r.status === 'confirmed' || r.status === 'offered' || r.status === 'waitlisted') && !lapsed(r);
  const canMove = (r: AttendeeEntry) => !gone(r) && !ended && open(r);
  const canRemove = (r: AttendeeEntry) => !gone(r) && (r.status === 'waitlisted' || (!ended && open(r)));

  // The whole session's counts (the server leaves out offers whose time had run out; those that run out while the page is open stop counting then).
  const loaded = data?.counts ?? { confirmed: 0, offered: 0, waitlisted: 0, attended: 0, absent: 0 };
  const counts = { ...loaded, offered: Math.max(0, loaded.offered - (data?.offersUntil ?? []).filter((at) => Date.parse(at) <= now).length) };
  const booked = counts.confirmed + counts.attended + counts.absent;
  const outcomes = counts.attended + counts.absent > 0 ? ` (${counts.attended} attended, ${counts.absent} absent)` : '';
  const everyone = data?.everyone ?? 0;

  return (
    <>
      <PageHeading title={title} navigated={navigated}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href="/trainer/sessions">Back to my sessions</Link>
      </p>
      {/* Said once counted: never "0 people booked" while the list loads, or when it could not be. */}
      {data && (
        <p>
          {plural(booked, 'person', 'people')} booked{outcomes}, {counts.offered ?? 0} offered a seat, {counts.waitlisted ?? 0} waiting.
        </p>
      )}
      {/* Refused (403) once the session has been handed to other trainers. */}
      <DownloadLink href={`/api/sessions/${encodeURIComponent(s.id)}/attendees.csv`} fallbackName="who-is-coming.csv">
        Download everyone as a spreadsheet (CSV)
      </DownloadLink>
      <form class="filters" aria-label="Filter and sort" noValidate onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={asked.status} onChange={(e) => change({ status: AttendeeStatusFilter.parse((e.currentTarget as HTMLSelectElement).value) })}>
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
            <select id="f-seat" value={asked.seat} onChange={(e) => change({ seat: AttendeesQuery.shape.seat.parse((e.currentTarget as HTMLSelectElement).value) })}>
              <option value="all">Both kinds</option>
              <option value="in_person">In person</option>
              <option value="online">Online</option>
            </select>
          </div>
        )}
        <SearchField id="f-text" label="Name, email or school" value={text} error={searchProblem} onInput={(e) => typed((e.currentTarget as HTMLInputElement).value)} />
        <div class="field">
          <label for="f-sort">Sort by</label>
          <select id="f-sort" value={asked.sort} onChange={(e) => change({ sort: AttendeeSort.parse((e.currentTarget as HTMLSelectElement).value) })}>
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
        {searchProblem ? correctTheSearch('people') : !data ? '' : pages > 1 ? `Showing ${(from + 1).toLocaleString('en-GB')} to ${(from + items.length).toLocaleString('en-GB')} of ${counted(total, 'person', 'people')} (${everyone.toLocaleString('en-GB')} in all).` : `Showing ${plural(total, 'person', 'people')} of ${everyone.toLocaleString('en-GB')}.`}
      </p>
      {!searchProblem && (
      <>
      {paged && <Pagination label="Pages of people, above the table" page={page} pages={pages} href={pageHref} resultsId="attendees-count" />}
      <Loaded state={list} what="people">
      {() => items.length > 0 && (
        <table class="stack">
          <caption>
            {plural(total, 'person', 'people')}
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
            {items.map((r) => (
              <tr key={r.bookingId}>
                <th scope="row" data-label="Name">
                  {r.name}
                  <br />
                  <span class="muted">{r.email}</span>
                </th>
                <td data-label="School">{r.orgName ?? 'None'}</td>
                <td data-label="Seat">{seatLabel[r.seat]}</td>
                <td data-label="Status">
                  {gone(r) ? (
                    <Badge tone="cancelled">Removed</Badge>
                  ) : lapsed(r) && r.offerExpiresAt ? (
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
                  {s.status === 'scheduled' && removing !== r.bookingId && !canMove(r) && !canRemove(r) && <span class="muted">{gone(r) ? 'None: removed' : lapsed(r) ? 'None: the offer has expired' : 'None: the session is over'}</span>}
                  {s.status === 'scheduled' && removing !== r.bookingId && (canMove(r) || canRemove(r)) && (
                    <div class="actions">
                      {s.mode === 'hybrid' && canMove(r) && (
                        <MoveButton r={r} busy={action.busyFor(r.bookingId)} blocked={action.busy} onMove={(to) => void move(r, to)} />
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
      </Loaded>
      {paged && <Pagination label="Pages of people, below the table" page={page} pages={pages} href={pageHref} resultsId="attendees-count" />}
      </>
      )}
    </>
  );
}

function RemoveForm({ r, busy, onRemove, onKeep }: { r: AttendeeEntry; busy: boolean; onRemove: (reason: string) => void; onKeep: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const id = `reason-${r.bookingId}`;
  const hint = lengthHint(reason, MAX_REASON_CHARS);
  return (
    <form
      class="confirm"
      aria-label={`Remove ${r.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason.trim()) return setError(`Give a reason: it is sent to ${r.name}`);
        const tooLong = tooLongError('Reason', reason, MAX_REASON_CHARS);
        if (tooLong) return setError(tooLong);
        setError('');
        onRemove(reason.trim());
      }}
    >
      <Field id={id} label={`Reason (sent to ${r.name})`} hint={hint} error={error} announce>
        <input ref={ref} id={id} type="text" value={reason} {...described(id, hint, error)} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
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
function MoveButton({ r, busy, blocked, onMove }: { r: AttendeeEntry; busy: boolean; blocked: boolean; onMove: (to: SeatKind) => void }) {
  const to: SeatKind = r.seat === 'online' ? 'in_person' : 'online';
  const word = (k: SeatKind) => (k === 'online' ? 'online' : 'in-person');
  const [from, toWord] = [word(r.seat), word(to)];
  const text = `Move to ${r.seat === 'online' ? 'in person' : 'online'}`;
  const question =
    r.status === 'waitlisted'
      ? `Move ${r.name} to the ${toWord} waitlist? They wait for an ${toWord} seat instead of an ${from} one, and are told by email.`
      : `Move ${r.name} to an ${toWord} seat? Their ${from} seat goes at once to the next person waiting for one, so moving them back may find no seat free. They are told by email.`;
  return <ConfirmButton label={`${text}: ${r.name}`} text={text} busyText="Working…" question={question} confirmLabel="Yes, move them" keepLabel={r.status === 'waitlisted' ? 'No, keep their place' : 'No, keep their seat'} variant="secondary" busy={busy} blocked={blocked} onConfirm={() => onMove(to)} />;
}
