import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { User } from '../../../shared/accounts.js';
import { BookInput, BookingList, BookResult, BulkBookResult, type Booking } from '../../../shared/bookings.js';
import { Session, type SeatKind } from '../../../shared/sessions.js';
import { Clash } from '../../../shared/timetables.js';
import { api } from '../api.js';
import { Alert, Badge, Fact, LoadError, messageOf, PageHeading, Status, useApp, When } from '../components.js';
import { formatDateTime, modeLabel, ordinal, seatLabel, statusLabel } from '../format.js';
import { Link } from '../router.js';
import { FitNote, SeatsLeft, seatSummary, Waiting } from './SessionsPage.js';

/** The booking answer; timetable clashes (if any) do not stop a booking but are worth saying. */
const BookAnswer = BookResult.extend({ clashes: z.array(Clash).optional() });

const ACTIVE = new Set(['confirmed', 'waitlisted', 'offered']);

function seatKindsOf(s: Session): SeatKind[] {
  return s.mode === 'hybrid' ? ['in_person', 'online'] : [s.mode];
}
const leftFor = (s: Session, seat: SeatKind) => (seat === 'online' ? s.seats.online.available : s.seats.inPerson.available);

/** Radio buttons for the seat kind of a hybrid session, each saying how many are left. */
function SeatChoice({ s, name, value, onChange }: { s: Session; name: string; value: SeatKind; onChange: (v: SeatKind) => void }) {
  return (
    <fieldset class="field">
      <legend>Seat</legend>
      <div class="radios">
        {seatKindsOf(s).map((k) => {
          const left = leftFor(s, k);
          return (
            <div class="radio" key={k}>
              <input type="radio" id={`${name}-${k}`} name={name} value={k} checked={value === k} onChange={() => onChange(k)} />
              <label for={`${name}-${k}`}>
                {seatLabel[k]} ({left > 0 ? `${left} left` : 'full: join the waitlist'})
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function outcomeText(r: z.infer<typeof BookResult>) {
  return r.status === 'confirmed' ? `Confirmed, ${seatLabel[r.seat].toLowerCase()} seat` : `On the waitlist, ${ordinal(r.position ?? 0)} in the queue for ${seatLabel[r.seat].toLowerCase()} seats`;
}

/** Office staff: book several people of their own school at once and see each outcome. */
function BookStaff({ s, orgId, orgName, onBooked }: { s: Session; orgId: string; orgName: string | null; onBooked: () => void }) {
  const [people, setPeople] = useState<z.infer<typeof User>[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [seat, setSeat] = useState<SeatKind>(seatKindsOf(s)[0]!);
  const [outcomes, setOutcomes] = useState<{ name: string; text: string; ok: boolean }[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api(`/api/orgs/${encodeURIComponent(orgId)}/users`, z.object({ items: z.array(User) }))
      .then((r) => setPeople(r.items))
      .catch(setLoadError);
  }, [orgId]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError('');
    const input = BookInput.safeParse({ userIds: [...chosen], seat: s.mode === 'hybrid' ? seat : undefined });
    if (!input.success || chosen.size === 0) {
      setError('Choose at least one person to book.');
      document.getElementById('staff-legend')?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await api(`/api/sessions/${encodeURIComponent(s.id)}/bookings`, BulkBookResult, { method: 'POST', body: input.data });
      const nameOf = (id: string) => people?.find((p) => p.id === id)?.name ?? id;
      const list = r.results.map((x) => ('error' in x ? { name: nameOf(x.userId), text: `Not booked: ${x.error.message}`, ok: false } : { name: nameOf(x.userId), text: outcomeText(x), ok: true }));
      setOutcomes(list);
      const ok = list.filter((o) => o.ok).length;
      setStatus(`${ok} of ${list.length} ${list.length === 1 ? 'person' : 'people'} booked or added to the waitlist.`);
      setChosen(new Set());
      onBooked();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="book-staff-title" class="panel">
      <h2 id="book-staff-title">Book staff{orgName ? ` from ${orgName}` : ''}</h2>
      {loadError ? (
        <LoadError error={loadError} />
      ) : !people ? (
        <p>Loading staff…</p>
      ) : people.length === 0 ? (
        <p>There is no one in your organisation to book yet.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <fieldset class="field">
            <legend id="staff-legend" tabIndex={-1}>
              People to book
            </legend>
            <div class="checkboxes">
              {people.map((p) => (
                <div class="checkbox" key={p.id}>
                  <input
                    type="checkbox"
                    id={`person-${p.id}`}
                    checked={chosen.has(p.id)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if ((e.currentTarget as HTMLInputElement).checked) next.add(p.id);
                      else next.delete(p.id);
                      setChosen(next);
                    }}
                  />
                  <label for={`person-${p.id}`}>
                    {p.name} <span class="muted">({p.email})</span>
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          {s.mode === 'hybrid' && <SeatChoice s={s} name="staff-seat" value={seat} onChange={setSeat} />}
          <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
            Book {chosen.size > 0 ? `${chosen.size} ${chosen.size === 1 ? 'person' : 'people'}` : 'selected people'}
          </button>
        </form>
      )}
      <Alert message={error} />
      {/* The outcome list itself is the live region, so it is announced once and shown once. */}
      <div role="status" aria-live="polite" class={outcomes.length ? 'outcome-panel' : 'status-empty'}>
        {outcomes.length > 0 && (
          <>
            <h3>Outcome for each person</h3>
            <p>{status}</p>
            <ul class="outcomes">
              {outcomes.map((o) => (
                <li key={o.name} class={o.ok ? 'outcome-ok' : 'outcome-failed'}>
                  <strong>{o.name}</strong>: {o.text}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

export function SessionPage({ id }: { id: string }) {
  const { me, loc } = useApp();
  const [s, setS] = useState<Session | null>(null);
  const [mine, setMine] = useState<Booking | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [seat, setSeat] = useState<SeatKind | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      const [session, bookings] = await Promise.all([api(`/api/sessions/${encodeURIComponent(id)}`, Session), api('/api/me/bookings', BookingList)]);
      setS(session);
      setMine(bookings.items.find((b) => b.sessionId === id && ACTIVE.has(b.status)) ?? null);
      setSeat((cur) => cur ?? seatKindsOf(session).find((k) => leftFor(session, k) > 0) ?? seatKindsOf(session)[0]!);
    } catch (e) {
      setLoadError(e);
    }
  }
  useEffect(() => void load(), [id]);

  async function book(e: Event) {
    e.preventDefault();
    if (!s || !seat || busy) return;
    setError('');
    const input = BookInput.safeParse({ seat });
    if (!input.success) return setError('Choose a seat.');
    setBusy(true);
    try {
      const r = await api(`/api/sessions/${encodeURIComponent(s.id)}/bookings`, BookAnswer, { method: 'POST', body: input.data });
      const clash = r.clashes?.length ? ` This clashes with your timetable (${r.clashes.map((c) => c.label || 'busy').join(', ')}): you may need cover.` : '';
      setStatus((r.status === 'confirmed' ? `Booked: your ${seatLabel[r.seat].toLowerCase()} seat is confirmed.` : `You joined the waitlist. You are number ${r.position} in the queue for ${seatLabel[r.seat].toLowerCase()} seats.`) + clash);
      await load();
      // The form has gone; put focus where the new state is described.
      document.getElementById('your-place-title')?.focus();
    } catch (err) {
      setError(messageOf(err));
      await load();
    } finally {
      setBusy(false);
    }
  }

  const title = s ? s.title : loadError ? 'Session not available' : 'Session';
  const full = s && seat ? leftFor(s, seat) <= 0 : false;
  const open = s && s.status === 'scheduled' && Date.parse(s.bookingClosesAt ?? s.endsAt) > Date.now();

  return (
    <>
      <p class="back">
        <Link href="/sessions">Back to all sessions</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      {loadError ? (
        <LoadError error={loadError} />
      ) : !s ? (
        <p>Loading session…</p>
      ) : (
        <>
          {s.status === 'cancelled' && (
            <p class="notice notice-warning">
              <strong>This session has been cancelled.</strong>
            </p>
          )}
          <dl class="facts facts-wide">
            <Fact label="When"><When startsAt={s.startsAt} endsAt={s.endsAt} /></Fact>
            <Fact label="Mode">{modeLabel[s.mode]}</Fact>
            {s.venue && (
              <Fact label="Venue">{s.venue}</Fact>
            )}
            <Fact label="Seats left"><SeatsLeft s={s} /></Fact>
            <Fact label="Waitlist"><Waiting s={s} /></Fact>
            {s.fit && (
              <Fact label="Your timetable"><FitNote s={s} /></Fact>
            )}
            {s.bookingClosesAt && (
              <Fact label="Booking closes">{formatDateTime(s.bookingClosesAt)}</Fact>
            )}
          </dl>
          {s.description && (
            <section aria-labelledby="about-title">
              <h2 id="about-title">About this session</h2>
              <p class="prose">{s.description}</p>
            </section>
          )}

          <section aria-labelledby="your-place-title" class="panel">
            <h2 id="your-place-title" tabIndex={-1}>Your place</h2>
            {mine ? (
              <div class="my-booking">
                <p>
                  <Badge tone={mine.status}>{statusLabel[mine.status]}</Badge> {seatLabel[mine.seat]} seat
                  {mine.status === 'waitlisted' && mine.position !== null && <> · you are {ordinal(mine.position)} in the queue</>}
                  {mine.status === 'offered' && mine.offerExpiresAt && <> · accept by {formatDateTime(mine.offerExpiresAt)}</>}
                </p>
                <ul class="plain link-list">
                  {mine.status === 'confirmed' && mine.seat === 'online' && (
                    <li>
                      <Link href={`/sessions/${s.id}/room`}>Go to the online session</Link> (opens 15 minutes before the start)
                    </li>
                  )}
                  {mine.status === 'confirmed' && mine.seat === 'in_person' && (
                    <li>
                      <Link href={`/sessions/${s.id}/checkin`}>Check in at the venue</Link> (with the code the trainer shows)
                    </li>
                  )}
                  <li>
                    <Link href={`/bookings/${mine.id}`}>Manage this booking</Link>
                  </li>
                </ul>
              </div>
            ) : !open ? (
              <p>Booking for this session is closed.</p>
            ) : (
              <form onSubmit={book} noValidate>
                {s.mode === 'hybrid' && seat && <SeatChoice s={s} name="seat" value={seat} onChange={setSeat} />}
                <p class="hint" id="book-hint">
                  {full
                    ? `All ${seat === 'online' ? 'online' : 'in-person'} seats are taken. Join the waitlist and you will be told if a seat frees up.`
                    : `${seatSummary(s).find((k) => k.key === (seat === 'online' ? 'online' : 'inPerson'))?.left ?? 0} ${seat === 'online' ? 'online' : 'in-person'} seats left.`}
                </p>
                <button type="submit" class="button" aria-describedby="book-hint" aria-disabled={busy ? 'true' : undefined}>
                  {full ? 'Join the waitlist' : 'Book a seat'}
                </button>
              </form>
            )}
            <Alert message={error} />
            <Status message={status} />
          </section>

          {(me.role === 'admin' || (me.role === 'trainer' && s.trainerIds.includes(me.id))) && (
            <section aria-labelledby="running-title" class="panel">
              <h2 id="running-title">Running this session</h2>
              <ul class="plain link-list">
                {s.mode !== 'in_person' && (
                  <li>
                    <Link href={`/sessions/${s.id}/room`}>Open the live room</Link>
                  </li>
                )}
                <li>
                  <Link href={`/sessions/${s.id}/register`}>Attendance register</Link>
                </li>
              </ul>
            </section>
          )}

          {(me.role === 'office' || me.role === 'admin') && me.orgId && open && <BookStaff s={s} orgId={me.orgId} orgName={me.orgName} onBooked={load} />}
        </>
      )}
    </>
  );
}
