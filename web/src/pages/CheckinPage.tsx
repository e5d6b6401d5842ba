/**
 * `/sessions/:id/checkin?code=...`: an attendee checks in to an in-person session from their
 * phone, with the code the trainer shows (the QR code fills it in).
 */
import '../room.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { CheckinResult, MyCheckin } from '../../../shared/attendance.js';
import { Session } from '../../../shared/sessions.js';
import { api, ApiError } from '../api.js';
import { described, ErrorSummary, Field, messageOf, PageHeading, useApp, type FieldError } from '../components.js';
import { ENGLAND, formatDate, formatTime, formatTimeRange } from '../format.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { serverNow } from '../clock.js';
import { JOIN_OPENS_MS } from '../calendarLinks.js';
import { useClockPast } from './BookingsPage.js';

/** The server's own words: they say what went wrong (wrong or expired code, no in-person seat, too many tries). */
const CODE_HINT = 'The trainer shows this code at the front of the room. It changes every minute.';

function failureText(e: unknown): string {
  return messageOf(e);
}

/**
 * Whether check-in is open at `now` (the server's clock): as the server's rule has it
 * (server/attendance/service.ts, checkinWindow), from when the live room opens, 15 minutes
 * before the start (CONTRACT), until the session ends; a cancelled session has none.
 */
export function checkinState(s: { startsAt: string; endsAt: string; status: string }, now: number): 'not_yet' | 'open' | 'closed' | 'cancelled' {
  if (s.status === 'cancelled') return 'cancelled';
  if (now < Date.parse(s.startsAt) - JOIN_OPENS_MS) return 'not_yet';
  return now >= Date.parse(s.endsAt) ? 'closed' : 'open';
}

/** When check-in opens, or that it has closed and the register records attendance now: what the server would answer a check-in with. */
function CheckinNotOpen({ s, state }: { s: { startsAt: string; endsAt: string }; state: 'not_yet' | 'closed' | 'cancelled' }) {
  if (state === 'cancelled') {
    return (
      <div class="notice notice-warning checkin-result" id="checkin-not-open">
        <h2>No check-in</h2>
        <p>This session has been cancelled, so there is nothing to check in to.</p>
      </div>
    );
  }
  if (state === 'not_yet') {
    const opensAt = new Date(Date.parse(s.startsAt) - JOIN_OPENS_MS);
    return (
      <div class="notice checkin-result" id="checkin-not-open">
        <h2>Check-in has not opened yet</h2>
        <p>
          Check-in opens at {formatTime(opensAt, ENGLAND)} on {formatDate(opensAt.toISOString(), ENGLAND)}, 15 minutes before the session starts. Come back then and enter the code the trainer shows.
        </p>
      </div>
    );
  }
  return (
    <div class="notice notice-warning checkin-result" id="checkin-not-open">
      <h2>Check-in has closed</h2>
      <p>
        This session ended at {formatTime(s.endsAt, ENGLAND)}, so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there, tell the trainer so they can mark you present.
      </p>
    </div>
  );
}

export function CheckinPage({ id }: { id: string }) {
  const { loc } = useApp();
  // What the session is, above the form; the form works without it.
  const sessionLoad = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  const session = sessionLoad.data;
  // Check-in opens and closes while the page is open, by the server's clock: the form goes (or comes) then.
  useClockPast(session ? [Date.parse(session.startsAt) - JOIN_OPENS_MS, Date.parse(session.endsAt)] : []);
  const state = session ? checkinState(session, serverNow()) : null;
  // Checked in already (reopening the page, its link's code long expired): said, with no form
  // asking for the code again. The form waits for the answer; if it cannot be read, the form is
  // shown (checking in again answers with the first check-in's time whatever the code).
  const mineLoad = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}/checkin`, MyCheckin), [id]);
  const checkedInAt = mineLoad.data?.checkedInAt ?? null;
  const asking = mineLoad.loading && !mineLoad.data;
  const [code, setCode] = useState(() => (loc.query.get('code') ?? '').replace(/\D/g, '').slice(0, 20));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const fieldError = errors[0]?.message ?? '';
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const value = code.replace(/\s+/g, '');
    if (!/^\d{4,10}$/.test(value)) {
      // A summary that takes focus (and is an alert) says it: focusing the field already focused announced nothing.
      setErrors([{ field: 'checkin-code', message: 'Enter the check-in code: the digits on the trainer’s screen.' }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    setResult(null);
    try {
      const r = await api(`/api/sessions/${encodeURIComponent(id)}/checkin`, CheckinResult, { method: 'POST', body: { code: value } });
      const at = formatTime(r.checkedInAt, ENGLAND);
      // The session's title comes with the answer: the page's own read of the session (above the form) may not be in yet.
      setResult({ ok: true, text: `You are checked in to ${r.sessionTitle} at ${at}. You can close this page.` });
    } catch (err) {
      // A wrong or expired code is the field's: said beside it (which is then marked invalid)
      // and in the summary, as a code of the wrong shape is. Anything else is the page's.
      if (err instanceof ApiError && err.code === 'invalid_checkin_code') setErrors([{ field: 'checkin-code', message: failureText(err) }]);
      else setResult({ ok: false, text: failureText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="checkin-page">
      <PageHeading title="Check in" navigated={loc.navigated} error={errors.length > 0}>
        Check in
      </PageHeading>
      <Loaded state={sessionLoad} what="the session">
        {(session) => (
          <p class="lede">
            <strong>{session.title}</strong>
            <br />
            {formatDate(session.startsAt, ENGLAND)}, {formatTimeRange(session.startsAt, session.endsAt, ENGLAND)}
            {session.venue && (
              <>
                <br />
                {session.venue}
              </>
            )}
          </p>
        )}
      </Loaded>
      {checkedInAt && !result && (
        <div class="notice notice-success checkin-result" id="checkin-already">
          <h2>Checked in</h2>
          <p>You checked in at {formatTime(checkedInAt, ENGLAND)}. You do not need to do anything more.</p>
        </div>
      )}
      {result && (
        <div ref={resultRef} tabIndex={-1} role={result.ok ? 'status' : 'alert'} class={result.ok ? 'notice notice-success checkin-result' : 'notice notice-error checkin-result'} id="checkin-result">
          <h2>{result.ok ? 'Checked in' : 'Not checked in'}</h2>
          <p>{result.text}</p>
        </div>
      )}
      {/* Outside the check-in window no code is asked for: said instead (in a live region, so it is heard when the session ends while the page is open). */}
      <div role="status" aria-live="polite">
        {!result?.ok && !checkedInAt && !asking && state && state !== 'open' && session && <CheckinNotOpen s={session} state={state} />}
      </div>
      {/* A session not there for them (404: removed, or another school's) has nothing to check in to; the form waits for the session, so it is not offered and then taken away. */}
      {!result?.ok && !checkedInAt && !asking && !(sessionLoad.loading && !session) && (state === null || state === 'open') && !(sessionLoad.error instanceof ApiError && sessionLoad.error.status === 404) && (
        <form onSubmit={submit} noValidate class="checkin-form">
          <ErrorSummary errors={errors} />
          <Field id="checkin-code" label="Check-in code" hint={CODE_HINT} error={fieldError}>
            <input
              id="checkin-code"
              name="code"
              class="input-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={20}
              value={code}
              {...described('checkin-code', CODE_HINT, fieldError)}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-large" aria-disabled={busy ? 'true' : undefined}>
            {busy ? 'Checking in…' : 'Confirm check-in'}
          </button>
        </form>
      )}
      <p>
        <Link href={`/sessions/${encodeURIComponent(id)}`}>About this session</Link>
      </p>
    </div>
  );
}
