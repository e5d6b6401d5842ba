import { useState } from 'preact/hooks';
import { z } from 'zod';
import { Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { described, ErrorSummary, Field, errorFor, PageHeading, TextField, useApp, type FieldError, PendingHeading } from '../components.js';
import { addDays, zonedIso } from '../format.js';
import { Loaded, useLoad, useSubmissionKey } from '../load.js';
import { navigate, stillHere } from '../router.js';
import { AudienceField, audienceInput, PROGRAMME, type AudienceValue } from './AudienceField.js';
import { apiFieldErrors, EMPTY_SESSION, endDay, SaveFailure, SessionFields, toInput, valuesOf, withCutOffMoved, type SessionValues } from './trainer/SessionForm.js';

type Repeat = 'once' | 'weekly' | 'dates';

/** "2026-05-04" or "04/05/2026" -> "2026-05-04"; null when it is neither. */
const DATES_HINT = 'One per line, like 2026-05-04 or 04/05/2026. Same times as above; each date is its own session.';

function parseDay(s: string): string | null {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : null;
}

/**
 * Trainers and admins publish a session: once, weekly for a number of weeks, or on a list of
 * dates (each its own session). With `?from=ID` the form starts as a copy of that session.
 */
export function NewSessionPage() {
  const { loc } = useApp();
  const from = loc.query.get('from');
  const source = useLoad(() => (from ? api(`/api/sessions/${encodeURIComponent(from)}`, Session) : Promise.resolve(null)), [from]);
  return (
    <div class="narrow">
      <PendingHeading state={source} title="New session" navigated={loc.navigated} />
      <Loaded state={source} what="the session to copy">
        {(s) => <NewSessionForm key={s?.id ?? 'new'} copyOf={s} navigated={loc.navigated} />}
      </Loaded>
    </div>
  );
}

function NewSessionForm({ copyOf, navigated }: { copyOf: Session | null; navigated: boolean }) {
  const { me } = useApp();
  // An administrator chooses who runs it (none yet, or the copied session's trainers); a trainer
  // or in-house lead publishes as themselves, and may add co-trainers.
  const admin = me.role === 'admin';
  // A new session, a copy too, runs past midnight when its end time is before its start time (21:00 to 00:30).
  const [values, setValues] = useState<SessionValues>(() => {
    if (!copyOf) return { ...EMPTY_SESSION, trainerIds: admin ? [] : [me.id] };
    const copied = valuesOf(copyOf);
    return { ...copied, endsNextDay: copied.endsNextDay ?? 'if-before', trainerIds: admin ? [...copyOf.trainerIds] : [me.id] };
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [repeat, setRepeat] = useState<Repeat>('once');
  const [weeks, setWeeks] = useState('6');
  const [dates, setDates] = useState('');
  const [busy, setBusy] = useState(false);
  /** A publish that failed for a reason about no field (the network, the service): said above the button. */
  const [failure, setFailure] = useState<unknown>(null);
  /** "Try again" after an answer that never came publishes once: the same form is sent with the same Idempotency-Key. */
  const submission = useSubmissionKey();
  const lead = me.role !== 'trainer' && me.role !== 'admin';
  const [audience, setAudience] = useState<AudienceValue>(copyOf && copyOf.audience.orgId ? { kind: copyOf.audience.kind, orgId: copyOf.audience.orgId } : lead ? { kind: 'organisation', orgId: '' } : PROGRAMME);
  const set = (patch: Partial<SessionValues>) => setValues((v) => withCutOffMoved(v, { ...v, ...patch }));
  const title = copyOf ? `New session (a copy of ${copyOf.title})` : 'New session';

  /** The dates of the series (the form's own date first), or the problem with them. */
  function seriesDays(): string[] | FieldError {
    if (repeat === 'weekly') {
      const n = Number(weeks);
      if (!Number.isInteger(n) || n < 2 || n > 52) return { field: 'weeks', message: 'Number of weeks must be a whole number from 2 to 52' };
      return Array.from({ length: n }, (_, i) => addDays(values.date, 7 * i));
    }
    const lines = dates.split(/[\n,;]+/).map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return { field: 'dates', message: 'Enter at least one more date, one per line' };
    const days = lines.map(parseDay);
    const bad = lines.find((_, i) => !days[i]);
    if (bad) return { field: 'dates', message: `“${bad}” is not a date: write dates like 2026-05-04 or 04/05/2026` };
    const all = [...new Set([values.date, ...(days as string[])])].sort();
    if (all.length > 52) return { field: 'dates', message: 'At most 52 dates at once' };
    return all;
  }

  async function submit(e: Event | null) {
    e?.preventDefault();
    if (busy) return;
    setFailure(null);
    const { input, errors: found } = toInput(values);
    let days: string[] | null = null;
    if (repeat !== 'once' && input) {
      const r = seriesDays();
      if (Array.isArray(r)) days = r;
      else found.push(r);
    }
    const who = audienceInput(audience);
    if ('field' in who) found.push(who);
    else if (input) input.audience = who;
    setErrors(found);
    if (found.length || !input) return;
    setBusy(true);
    // Gone elsewhere while it was published: not brought back (My sessions lists it).
    const here = stillHere();
    try {
      if (!days) {
        const created = await submission.keyed({ path: '/api/sessions', body: input }, (idempotencyKey) => api('/api/sessions', Session, { method: 'POST', body: input, idempotencyKey }));
        if (here()) navigate(`/sessions/${created.id}?published=1`);
        return;
      }
      const tz = input.timeZone ?? 'Europe/London';
      const occurrences = days.map((d) => ({ startsAt: zonedIso(d, values.start, tz)!, endsAt: zonedIso(endDay(values, d), values.end, tz)! }));
      const body = { session: input, occurrences };
      const made = await submission.keyed({ path: '/api/sessions/series', body }, (idempotencyKey) => api('/api/sessions/series', z.object({ items: z.array(Session) }), { method: 'POST', body, idempotencyKey }));
      if (here()) navigate(`/trainer/sessions?created=${made.items.length}`);
    } catch (err) {
      const beside = apiFieldErrors(err);
      if (beside) setErrors(beside);
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <SessionFields values={values} set={set} errors={errors} sessionId={copyOf?.id} />
        <AudienceField value={audience} onChange={setAudience} errors={errors} />
        <fieldset class="field">
          <legend>How often (the first time is on the day above)</legend>
          <div class="radios">
            {(
              [
                ['once', 'Once'],
                ['weekly', 'Every week, for a number of weeks'],
                ['dates', 'On a list of days'],
              ] as const
            ).map(([k, label]) => (
              <div class="radio" key={k}>
                <input type="radio" id={`repeat-${k}`} name="repeat" value={k} checked={repeat === k} onChange={() => setRepeat(k)} />
                <label for={`repeat-${k}`}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        {repeat === 'weekly' && (
          <TextField id="weeks" label="For how many weeks" type="number" inputMode="numeric" min={2} max={52} hint="Each week is its own session, with its own bookings." value={weeks} onInput={(e) => setWeeks((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'weeks')} />
        )}
        {repeat === 'dates' && (
          <Field id="dates" label="The other days" hint={DATES_HINT} error={errorFor(errors, 'dates')}>
            <textarea id="dates" name="dates" rows={4} {...described('dates', DATES_HINT, errorFor(errors, 'dates'))} value={dates} onInput={(e) => setDates((e.currentTarget as HTMLTextAreaElement).value)} />
          </Field>
        )}
        <SaveFailure error={failure} busy={busy} onRetry={() => void submit(null)} />
        <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Publishing…' : repeat === 'once' ? 'Publish session' : 'Publish sessions'}
        </button>
      </form>
    </>
  );
}
