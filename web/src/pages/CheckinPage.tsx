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

/** The server's own words: they say what went wrong (wrong or expired code, no in-person seat, too many tries). */
const CODE_HINT = 'The trainer shows this code at the front of the room. It changes every minute.';

function failureText(e: unknown): string {
  return messageOf(e);
}

export function CheckinPage({ id }: { id: string }) {
  const { loc } = useApp();
  // What the session is, above the form; the form works without it.
  const sessionLoad = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  const session = sessionLoad.data;
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
      {/* A session not there for them (404: removed, or another school's) has nothing to check in to. */}
      {!result?.ok && !checkedInAt && !asking && !(sessionLoad.error instanceof ApiError && sessionLoad.error.status === 404) && (
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
