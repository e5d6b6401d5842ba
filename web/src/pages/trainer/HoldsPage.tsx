import { useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { HoldableOrgs, HoldList, type Hold } from '../../../../shared/bookings.js';
import { heldSeatsReleasedAt, Session, type SeatKind } from '../../../../shared/sessions.js';
import { Organisation } from '../../../../shared/accounts.js';
import { api, ApiError } from '../../api.js';
import { ConfirmButton, described, ErrorSummary, errorFor, Field, messageOf, PageHeading, Status, TextField, toFieldErrors, useApp, useFocusLater, type FieldError, PendingHeading } from '../../components.js';
import { formatDateTime, plural, seatAdjective, seatLabel, skippedTimeWords, wallClock, zonedIso } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { Link } from '../../router.js';
import { OrgSearchPicker, type OrgFinder } from '../../orgs.js';
import { serverNow } from '../../clock.js';
import { PastTimeQuestion, skippedTimeAdvice } from './SessionForm.js';

type HoldRow = z.infer<typeof Hold>;

/**
 * The field a refused hold is about, with the server's words: the number of seats for a
 * 409 (`conflict`: more than the seats free, fewer than those already claimed, more than the
 * school's staff could fill; `holds_released`: no more can be held), the school for an
 * issue with it. Null for a refusal that is about no field (the session cancelled or over,
 * the network), which stays the action's failure.
 */
function holdFieldErrors(err: unknown): FieldError[] | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 409 && (err.code === 'conflict' || err.code === 'holds_released')) return [{ field: 'hold-seats', message: messageOf(err) }];
  if (err.issues.length) return toFieldErrors(err.issues, { orgId: { id: 'hold-org', label: 'School' }, seats: { id: 'hold-seats', label: 'Number of seats' } }, { id: 'hold-seats', label: 'Number of seats' });
  return null;
}

/**
 * A release time the server refused as such (400 `validation_failed` with issues: after the
 * session's end), in its words, for the release date field and the summary; null for any other
 * failure (the network, the service, a refusal about no field), which stays the action's
 * failure, with "Try again".
 */
function releaseFieldErrors(err: unknown): FieldError[] | null {
  if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || !err.issues.length) return null;
  return [{ field: 'release-date', message: messageOf(err) }];
}

/**
 * The server's words for a refusal because the session has been cancelled or is over
 * (`session_cancelled`, `session_ended`), else null. Nothing on this page can change that, so
 * it is no failure to try again: the page shows the session as it now is.
 */
function closedRefusal(err: unknown): string | null {
  return err instanceof ApiError && (err.code === 'session_cancelled' || err.code === 'session_ended') ? messageOf(err) : null;
}

/** Those the session is for: seats cannot be held for anyone else. */
const Orgs = HoldableOrgs;
type HoldableOrg = z.infer<typeof Orgs>['items'][number];
/** Up to this many are listed in a select; more (a session for every school) are found by searching. */
const LISTED = 50;

/**
 * The school the page was opened for (`?org=`: the session page's "Hold seats for …" link
 * carries the school a trust's office is booking for, so it is not asked again), if seats may
 * be held for it here: one of those listed, or, when there are more than the list holds, one
 * the same search finds by its URN or name. Any other (another trust's school, one the session
 * is not for, a mistyped address) is ignored: the page opens with none chosen, as without it.
 */
async function wantedOrg(sessionId: string, wanted: string | null, listed: HoldableOrg[], allListed: boolean): Promise<HoldableOrg | null> {
  if (!wanted) return null;
  const found = listed.find((o) => o.id === wanted);
  if (found || allListed) return found ?? null;
  try {
    const org = await api(`/api/orgs/${encodeURIComponent(wanted)}`, Organisation);
    const q = (org.urn ?? org.name).slice(0, 200);
    const matches = await api(`/api/sessions/${encodeURIComponent(sessionId)}/holds/organisations?${new URLSearchParams({ q, limit: '200' })}`, Orgs);
    return matches.items.find((o) => o.id === wanted) ?? null;
  } catch (err) {
    // Refused or unknown (not one this person may see): ignored. A failure to answer is the page's, with "Try again".
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) return null;
    throw err;
  }
}

/**
 * Seats a trainer keeps for schools on a session: set, change, release; how many of each hold
 * are claimed; when holds are released. `forSchool`: the same for a school's office staff,
 * who hold seats for their own school (the server offers only their organisations and bounds
 * the hold by their staff with no place yet), without the release time, which is the trainer's.
 * A session cancelled or over shows its holds as they were and says why they cannot be changed
 * (the server refuses: `session_cancelled`, `session_ended`).
 */
export function HoldsPage({ id, forSchool = false }: { id: string; forSchool?: boolean }) {
  const { loc } = useApp();
  // Another `?org=` is another page (its key), so read once, with the rest.
  const wanted = loc.query.get('org');
  const state = useLoad(async () => {
    const [session, holds, orgs] = await Promise.all([
      api(`/api/sessions/${encodeURIComponent(id)}`, Session),
      api(`/api/sessions/${encodeURIComponent(id)}/holds`, HoldList),
      api(`/api/sessions/${encodeURIComponent(id)}/holds/organisations?limit=${LISTED}`, Orgs),
    ]);
    const allListed = !orgs.hasMore;
    return { session, holds: holds.items, orgs: orgs.items, allListed, chosen: await wantedOrg(id, wanted, orgs.items, allListed) };
  }, [id]);
  return (
    <>
      <PendingHeading state={state} title="Seat holds" navigated={loc.navigated} />
      <Loaded state={state} what="the seat holds">
        {(d) => <Holds s={d.session} holds={d.holds} orgs={d.orgs} allListed={d.allListed} chosen={d.chosen} navigated={loc.navigated} reload={state.reload} forSchool={forSchool} />}
      </Loaded>
    </>
  );
}

function Holds({ s, holds, orgs, allListed, chosen, navigated, reload, forSchool }: { s: Session; holds: HoldRow[]; orgs: HoldableOrg[]; allListed: boolean; chosen: HoldableOrg | null; navigated: boolean; reload: () => Promise<void>; forSchool: boolean }) {
  const kinds: SeatKind[] = s.mode === 'hybrid' ? ['in_person', 'online'] : [s.mode];
  // The school the page was opened for (wantedOrg), or the one school to hold for (a school's office): it is chosen already.
  const [orgId, setOrgId] = useState(chosen?.id ?? (orgs.length === 1 && allListed ? orgs[0]!.id : ''));
  // The name of a school found by searching (a programme session may be for every school in the country).
  const [foundName, setFoundName] = useState(chosen?.name ?? '');
  const [seat, setSeat] = useState<SeatKind>(kinds[0]!);
  const [seats, setSeats] = useState('');
  const release = s.holdsReleaseAt ? wallClock(s.holdsReleaseAt, s.timeZone) : null;
  const [relDate, setRelDate] = useState(release?.date ?? '');
  const [relTime, setRelTime] = useState(release?.time ?? '');
  /** A release time already gone, asked about before it is saved (held seats would go to everyone at once): the time asked about. */
  const [releaseAsk, setReleaseAsk] = useState<string | null>(null);
  const releaseAskRef = useRef<HTMLDivElement>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  // The server's reason, when it refused a change because the session is cancelled or over
  // (this computer may not know yet: the session was cancelled elsewhere, or its clock is behind).
  const [refusedAsClosed, setRefusedAsClosed] = useState<string | null>(null);
  const action = useAction();
  /** Saving a hold: its own action, so a failure is said in its form above its button, not at the top of the page (screens away at 320 px). */
  const saving = useAction();
  const releasing = useAction();
  const focusLater = useFocusLater();
  // Where "Try again" for `action` ends (run's focusAfterRetry): where a first success of the
  // action that failed puts focus (Save hold stays focused; a released hold's row goes, and the
  // message takes focus), or the notice of a session found cancelled or over.
  const afterRetryTo = (id: string) => () => document.getElementById('holds-closed') ?? document.getElementById(id);
  const title = forSchool ? `Hold seats: ${s.title}` : `Seat holds: ${s.title}`;
  const closed =
    s.status === 'cancelled'
      ? 'This session has been cancelled, so seats can no longer be held on it.'
      : Date.parse(s.endsAt) <= serverNow()
        ? 'This session has ended, so its seat holds can no longer be set, changed or released. They are shown as they were.'
        : refusedAsClosed;
  // Held seats are open to anyone from the release time (else the booking cut-off, else the
  // end): the server then refuses a new or larger hold (409 holds_released), so the office's
  // form is not offered; giving a hold back (Release) still is. A trainer may still move the release time.
  const releasedAt = heldSeatsReleasedAt(s);
  const released = !closed && Date.parse(releasedAt) <= serverNow();
  // Held seats nobody has claimed yet: what a release now gives to everyone.
  const unclaimed = holds.reduce((n, h) => n + Math.max(0, h.seats - h.claimed), 0);
  const orgName = (id: string) => orgs.find((o) => o.id === id)?.name ?? holds.find((h) => h.orgId === id)?.orgName ?? (foundName || 'the school');
  const findHoldable: OrgFinder = (q, limit) => api(`/api/sessions/${encodeURIComponent(s.id)}/holds/organisations?${new URLSearchParams({ limit: String(limit), ...(q ? { q } : {}) })}`, Orgs);

  /**
   * A change refused because the session is cancelled or over: said as that, in the notice the
   * page shows for such a session (focused: the form or button pressed has gone), and the
   * session and its holds loaded again as they now are.
   */
  async function sessionClosed(why: string) {
    setErrors([]);
    setRefusedAsClosed(why);
    focusLater(() => document.getElementById('holds-closed'));
    await reload();
  }

  // The hold the form would change (its school and seat kind), and a lower number waiting to be confirmed.
  const current = holds.find((h) => h.orgId === orgId && h.seat === seat);
  const [lowering, setLowering] = useState<number | null>(null);
  // Seats a new number gives up to everyone else: those held and not yet claimed that it no longer holds.
  const givenUp = (n: number) => (current ? current.seats - current.claimed - Math.max(0, n - current.claimed) : 0);

  async function saveHold(e: Event | null, confirmed = false) {
    e?.preventDefault();
    const found: FieldError[] = [];
    const n = Number(seats);
    if (!orgId) found.push({ field: 'hold-org', message: 'Choose a school' });
    if (seats.trim() === '' || !Number.isInteger(n) || n < 0) found.push({ field: 'hold-seats', message: 'Number of seats must be a whole number, 0 or more' });
    setErrors(found);
    if (found.length) return;
    // Fewer held seats give the rest away at once (to people waiting, or anyone booking), as
    // Release does: asked first, as Release asks. (Below what is claimed the server says why not.)
    if (!confirmed && (n === 0 || n >= (current?.claimed ?? 0)) && givenUp(n) > 0) {
      setLowering(n);
      focusLater(() => document.getElementById('lower-confirm'), { force: true });
      return;
    }
    if (confirmed) focusLater(() => document.getElementById('save-hold'), { force: true });
    setLowering(null);
    setMessage('');
    // What follows success is part of the action too, so "Try again" after a failure says it and shows the holds as they are.
    await saving.run(async () => {
      try {
        await api(`/api/sessions/${encodeURIComponent(s.id)}/holds`, z.unknown(), { method: 'PUT', body: { orgId, seat, seats: n } });
      } catch (err) {
        // A refusal about what was entered is said beside its field (and in the summary);
        // "Try again" would only be refused again, as it would for a session cancelled or
        // over, which the page then shows as such. Anything else is the action's failure.
        const closedWhy = closedRefusal(err);
        if (closedWhy) {
          await sessionClosed(closedWhy);
          return undefined;
        }
        const beside = holdFieldErrors(err);
        if (!beside) throw err;
        setErrors(beside);
        return;
      }
      setMessage(n === 0 ? `Hold for ${orgName(orgId)} released.` : `${plural(n, `${seatAdjective[seat]} seat`)} held for ${orgName(orgId)}.`);
      setSeats('');
      await reload();
    }, { focusAfterRetry: afterRetryTo('save-hold') });
  }
  async function releaseHold(h: HoldRow) {
    setMessage('');
    await action.run(async () => {
      try {
        await api(`/api/sessions/${encodeURIComponent(s.id)}/holds`, z.unknown(), { method: 'PUT', body: { orgId: h.orgId, seat: h.seat, seats: 0 } });
      } catch (err) {
        const closedWhy = closedRefusal(err);
        if (!closedWhy) throw err;
        await sessionClosed(closedWhy);
        return;
      }
      setMessage(`Hold for ${h.orgName} released.`);
      await reload();
      // Its row (and the Release button pressed) has gone: the message saying so takes focus.
      focusLater(() => document.getElementById('holds-status'));
    }, { focusAfterRetry: afterRetryTo('holds-status') });
  }
  /** Saves the release time; `pastOk`: a time already gone that "Save anyway" was pressed for (see releaseAsk). */
  async function saveRelease(e: Event | null, pastOk: string | null = null) {
    e?.preventDefault();
    setReleaseAsk(null);
    let at: string | null = null;
    // A date and a time, or neither (released when booking closes): a time alone is not
    // thrown away, and a date alone is not taken as the midnight that starts it (a day early, as it reads).
    if (!relDate && relTime) return setErrors([{ field: 'release-date', message: 'Enter the date unclaimed holds are released on as well as the time, or clear the time' }]);
    if (relDate) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(relDate)) return setErrors([{ field: 'release-date', message: 'Enter the date unclaimed holds are released, or leave it empty' }]);
      if (!relTime) return setErrors([{ field: 'release-time', message: 'Enter the time unclaimed holds are released at on that date, such as 09:00, or clear the date' }]);
      at = zonedIso(relDate, relTime, s.timeZone);
      if (!at) return setErrors([{ field: 'release-time', message: 'Enter the time unclaimed holds are released at as hours and minutes, such as 09:00' }]);
      // A time the clocks skip is refused in the words the session form uses for its times and booking cut-off (not saved as an hour later).
      const gap = skippedTimeWords(relDate, relTime, s.timeZone);
      if (gap) return setErrors([{ field: 'release-time', message: `${gap} ${skippedTimeAdvice('a time', s.timeZone, relDate, relTime)}` }]);
    }
    setErrors([]);
    // A time already gone releases every held seat nobody has claimed at once: asked first, as the
    // session form asks about a start or booking cut-off already gone. Not once they are released.
    if (at && Date.parse(at) <= serverNow() && !released && at !== pastOk) {
      setReleaseAsk(at);
      focusLater(releaseAskRef, { force: true });
      return;
    }
    setMessage('');
    // One change at a time: the button says "Saving…" and a second press is ignored meanwhile.
    await releasing.run(async () => {
      try {
        await api(`/api/sessions/${encodeURIComponent(s.id)}`, Session, { method: 'PATCH', body: { holdsReleaseAt: at } });
      } catch (err) {
        // A refusal of the time itself is said beside its field (and in the summary); a session
        // cancelled or over is shown as such; anything else (the network, the service) is the
        // action's failure, said above the button with "Try again", which saves again.
        const closedWhy = closedRefusal(err);
        if (closedWhy) return sessionClosed(closedWhy);
        const beside = releaseFieldErrors(err);
        if (!beside) throw err;
        setErrors(beside);
        return;
      }
      setMessage(at ? `Unclaimed held seats will be released on ${formatDateTime(at)}.` : 'Unclaimed held seats will be released when booking closes.');
      await reload();
    });
  }

  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      <p class="back">
        {/* Back with the school chosen here, so the session page books for it again (a trust's office acts for several). */}
        {forSchool ? <Link href={`/sessions/${encodeURIComponent(s.id)}${orgId ? `?${new URLSearchParams({ org: orgId })}` : ''}`}>Back to the session</Link> : <Link href="/trainer/sessions">Back to my sessions</Link>}
      </p>
      {closed && (
        <p class="notice notice-warning" id="holds-closed" tabIndex={-1}>
          <strong>{closed}</strong>
        </p>
      )}
      {released && (
        <p class="notice notice-info" id="holds-released">
          Held seats on this session were released on {formatDateTime(releasedAt)}: they are open to anyone now, so no more seats can be held on it. A hold can still be given back.
        </p>
      )}
      {forSchool && !closed && !released && (
        <p>
          Held seats are kept for your staff until {s.holdsReleaseAt ? formatDateTime(s.holdsReleaseAt) : 'booking closes'}; then any nobody has taken go to everyone. You can hold seats nobody has yet, up to the number of your staff with no place on this session{s.mode === 'hybrid' ? ', online and in-person seats together' : ''}.
        </p>
      )}
      <Status message={message} id="holds-status" focusable />
      <ErrorSummary errors={errors} />
      <ActionError action={action} />
      <h2>Current holds</h2>
      {holds.length === 0 ? (
        <p>{forSchool ? 'No seats are held for your school on this session.' : 'No seats are held for schools on this session.'}</p>
      ) : (
        <table class="stack">
          <caption class="visually-hidden">Seats held for schools</caption>
          <thead>
            <tr>
              <th scope="col">School</th>
              <th scope="col">Seat</th>
              <th scope="col">Held</th>
              <th scope="col">Claimed</th>
              {!closed && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={h.orgId + h.seat}>
                <th scope="row" data-label="School">
                  {h.orgName}
                </th>
                <td data-label="Seat">{seatLabel[h.seat]}</td>
                <td data-label="Held">{h.seats}</td>
                <td data-label="Claimed">
                  {h.claimed} of {h.seats}
                </td>
                {!closed && (
                  <td data-label="Actions">
                    {/* Asked first: the seats it frees go at once to whoever is waiting for one. */}
                    <ConfirmButton
                      label={`Release the ${seatAdjective[h.seat]} hold for ${h.orgName}`}
                      text="Release"
                      busyText="Releasing…"
                      question={`Release the ${seatAdjective[h.seat]} hold for ${h.orgName}? ${h.seats - h.claimed > 0 ? `Its ${plural(h.seats - h.claimed, 'seat')} not yet claimed go${h.seats - h.claimed === 1 ? 'es' : ''} at once to people waiting, or to anyone booking, so holding them again may find them taken.` : 'Every seat it held is claimed: its staff keep their places.'}`}
                      confirmLabel="Yes, release it"
                      keepLabel="No, keep the hold"
                      variant="secondary"
                      busy={action.busy}
                      onConfirm={() => void releaseHold(h)}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!closed && !(forSchool && released) && (
        <form class="panel narrow" onSubmit={saveHold} noValidate aria-labelledby="hold-heading">
          <h2 id="hold-heading">{forSchool ? 'Hold or change seats for your school' : 'Hold or change seats for a school'}</h2>
          {allListed ? (
            <Field id="hold-org" label="School" error={errorFor(errors, 'hold-org')}>
              <select id="hold-org" value={orgId} {...described('hold-org', undefined, errorFor(errors, 'hold-org'))} onChange={(e) => { setLowering(null); setOrgId((e.currentTarget as HTMLSelectElement).value); }}>
                <option value="">Choose a school</option>
                {orgs.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                    {o.urn ? ` (URN ${o.urn})` : ''}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <OrgSearchPicker
              id="hold-org"
              label="School"
              noneLabel="Choose a school"
              find={findHoldable}
              value={orgId}
              chosenName={foundName || undefined}
              onChange={(id, name) => {
                setLowering(null);
                setOrgId(id);
                setFoundName(name);
              }}
              error={errorFor(errors, 'hold-org')}
            />
          )}
          {kinds.length > 1 && (
            <fieldset class="field">
              <legend>Seat</legend>
              <div class="radios">
                {kinds.map((k) => (
                  <div class="radio" key={k}>
                    <input type="radio" id={`hold-seat-${k}`} name="hold-seat" checked={seat === k} onChange={() => { setLowering(null); setSeat(k); }} />
                    <label for={`hold-seat-${k}`}>{seatLabel[k]}</label>
                  </div>
                ))}
              </div>
            </fieldset>
          )}
          <TextField
            id="hold-seats"
            label="Number of seats to hold"
            hint={current ? `The number held in all, not more: ${plural(current.seats, `${seatAdjective[seat]} seat`)} held now, ${current.claimed} claimed. 0 releases the hold.` : '0 releases the hold.'}
            type="number"
            inputMode="numeric"
            min={0}
            value={seats}
            onInput={(e) => {
              setLowering(null);
              setSeats((e.currentTarget as HTMLInputElement).value);
            }}
            error={errorFor(errors, 'hold-seats')}
          />
          {lowering !== null && current ? (
            <div class="confirm" role="group" aria-labelledby="lower-question" id="lower-confirm" tabIndex={-1}>
              <p id="lower-question">
                {lowering === 0 ? `Release the ${seatAdjective[seat]} hold for ${orgName(orgId)}?` : `Hold ${plural(lowering, `${seatAdjective[seat]} seat`)} for ${orgName(orgId)} instead of ${current.seats}?`}{' '}
                {`${plural(givenUp(lowering), 'seat')} not yet claimed go${givenUp(lowering) === 1 ? 'es' : ''} at once to people waiting, or to anyone booking, so holding ${givenUp(lowering) === 1 ? 'it' : 'them'} again may find ${givenUp(lowering) === 1 ? 'it' : 'them'} taken.`}
              </p>
              <div class="actions">
                <button type="button" class="button" onClick={() => void saveHold(null, true)}>
                  {lowering === 0 ? 'Yes, release it' : `Yes, hold ${lowering}`}
                </button>
                <button
                  type="button"
                  class="button button-secondary"
                  onClick={() => {
                    setLowering(null);
                    focusLater(() => document.getElementById('hold-seats'), { force: true });
                  }}
                >
                  No, keep {current.seats}
                </button>
              </div>
            </div>
          ) : (
            <>
              {/* "Try again" goes back to the button, where focus stays after a first save. */}
              <ActionError action={saving} focusTo={() => document.getElementById('save-hold')} />
              <ActionButton id="save-hold" busy={saving.busy} busyLabel="Saving…">
                Save hold
              </ActionButton>
            </>
          )}
        </form>
      )}
      {!forSchool && !closed && (
        <form class="panel narrow" onSubmit={saveRelease} noValidate aria-labelledby="release-heading">
          <h2 id="release-heading">When unclaimed holds are released</h2>
          <p>{s.holdsReleaseAt ? `Now: ${formatDateTime(s.holdsReleaseAt)}.` : 'Now: when booking closes.'} Held seats nobody has claimed by then go to everyone.</p>
          <div class="row">
            <TextField id="release-date" label="Release on (optional)" type="date" value={relDate} onInput={(e) => { setReleaseAsk(null); setRelDate((e.currentTarget as HTMLInputElement).value); }} error={errorFor(errors, 'release-date')} />
            <TextField id="release-time" label="Release at (optional)" type="time" value={relTime} onInput={(e) => { setReleaseAsk(null); setRelTime((e.currentTarget as HTMLInputElement).value); }} error={errorFor(errors, 'release-time')} />
          </div>
          {releaseAsk && (
            <PastTimeQuestion
              id="past-release-question"
              level={3}
              title="Held seats would be released in the past"
              correct="Correct the release time"
              goAhead="Save anyway"
              busy={releasing.busy}
              innerRef={releaseAskRef}
              onGoAhead={() => {
                // The question goes as it saves: focus goes back to Save release time, where it stays after a first save.
                focusLater(() => document.getElementById('save-release'));
                void saveRelease(null, releaseAsk);
              }}
              onCorrect={() => {
                setReleaseAsk(null);
                document.getElementById('release-date')?.focus();
              }}
            >
              <p>
                The release time, {formatDateTime(releaseAsk)}, has already gone.{' '}
                {/* Held seats go to everyone only when some are unclaimed; with none, only the holding stops. */}
                {unclaimed > 0
                  ? `If you go ahead, held seats are released to everyone at once: the ${plural(unclaimed, 'held seat')} nobody has claimed yet ${unclaimed === 1 ? 'goes' : 'go'} to people waiting, or to anyone booking, and no more seats can be held on this session.`
                  : 'If you go ahead, holds are released at once. No held seat is waiting to be claimed, so none goes to anyone else, but no more seats can be held on this session.'}
              </p>
              <p>If the date or time is a mistake, correct it. To release them now, save anyway.</p>
            </PastTimeQuestion>
          )}
          {/* "Try again" goes back to the button, where focus stays after a first save. */}
          <ActionError action={releasing} focusTo={() => document.getElementById('save-release')} />
          <ActionButton id="save-release" class="button button-secondary" busy={releasing.busy} busyLabel="Saving…">
            Save release time
          </ActionButton>
        </form>
      )}
    </>
  );
}
