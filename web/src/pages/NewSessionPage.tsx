import { useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { described, ErrorSummary, Field, errorFor, PageHeading, TextField, useApp, useFocusLater, type FieldError, PendingHeading } from '../components.js';
import { addDays, formatDay, listOf, repeatedTime, skippedTimeWords, zonedIso } from '../format.js';
import { Loaded, useLoad, useSubmissionKey } from '../load.js';
import { navigate, stillHere } from '../router.js';
import { AudienceField, audienceInput, PROGRAMME, type AudienceValue } from './AudienceField.js';
import { apiFieldErrors, EMPTY_SESSION, endDay, occurrenceOf, pastCutOffDays, PastCutOffQuestion, pastDays, pastStart, PastStartQuestion, RepeatedTimeChoice, SaveFailure, SessionFields, toInput, valuesOf, withCutOffMoved, type PastDay, type SessionValues } from './trainer/SessionForm.js';

type Repeat = 'once' | 'weekly' | 'dates';

const DATES_HINT = 'One per line, written as YYYY-MM-DD or DD/MM/YYYY (day first), like 2026-05-04 or 04/05/2026. Same times as above; each date is its own session.';

const monthFmt = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * A line of the list of days ("2026-05-04" or "04/05/2026") as "2026-05-04", or why it is not
 * a day a session can be on, naming it as typed: `problem` said alone ("31/02/2027 is not a
 * date: February 2027 has 28 days"), `reason` beside others ("no such date: February 2027 has
 * 28 days"). The server would refuse the whole series without saying which line.
 */
function parseDay(s: string): { day: string } | { problem: string; reason: string } {
  const t = s.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const [y, m, d] = iso ? [iso[1]!, iso[2]!, iso[3]!] : uk ? [uk[3]!, uk[2]!, uk[1]!] : [];
  if (!y || !m || !d) return { problem: `“${t}” is not a date this field accepts: write each date as YYYY-MM-DD or DD/MM/YYYY, like 2026-05-04 or 04/05/2026`, reason: 'not written as YYYY-MM-DD or DD/MM/YYYY' };
  const [year, month, date] = [Number(y), Number(m), Number(d)];
  if (month < 1 || month > 12) {
    // 04/13/2027: month first, as in the United States. Dates with slashes are read day first.
    const swapped = uk && date >= 1 && date <= 12 && month <= new Date(Date.UTC(year, date, 0)).getUTCDate() ? `dates with slashes are day/month/year, so ${dayFmt.format(Date.UTC(year, date - 1, month))} is ${String(month).padStart(2, '0')}/${String(date).padStart(2, '0')}/${y}` : 'months go from 1 to 12';
    return { problem: `${t} is not a date: there is no month ${month}, ${swapped}`, reason: `no such date: there is no month ${month}, ${swapped}` };
  }
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (date < 1 || date > days) return { problem: `${t} is not a date: ${monthFmt.format(Date.UTC(year, month - 1, 1))} has ${days} days`, reason: `no such date: ${monthFmt.format(Date.UTC(year, month - 1, 1))} has ${days} days` };
  // The years a session can have (the server's own limit).
  if (year < 2000 || year > 2100) return { problem: `${t} is not a date a session can be on: the year must be from 2000 to 2100`, reason: 'the year must be from 2000 to 2100' };
  return { day: `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` };
}

/** "13 April 2027". */
const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The lines of the list of days, each as typed. */
const linesOf = (text: string) => text.split(/[\n,;]+/).map((l) => l.trim()).filter(Boolean);

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
  const [repeat, setRepeatState] = useState<Repeat>('once');
  const [weeks, setWeeksState] = useState('6');
  const [dates, setDatesState] = useState('');
  /**
   * Asked on publishing when a start is in the past (PastStartQuestion): the past days, and
   * `key`, which starts they are. `pastAgreed`: the key "Publish anyway" was pressed for; the
   * question is asked again if other starts would be in the past.
   */
  const [pastAsk, setPastAsk] = useState<{ key: string; past: PastDay[]; total: number } | null>(null);
  const [pastAgreed, setPastAgreed] = useState<string | null>(null);
  const pastRef = useRef<HTMLDivElement>(null);
  /**
   * Asked on publishing when a booking cut-off has already gone while the start is still to
   * come (PastCutOffQuestion): booking would close at once. As pastAsk; asked after it.
   */
  const [cutOffAsk, setCutOffAsk] = useState<{ key: string; days: string[]; total: number } | null>(null);
  const [cutOffAgreed, setCutOffAgreed] = useState<string | null>(null);
  const cutOffRef = useRef<HTMLDivElement>(null);
  /** A change to the form answers the questions about times already gone (asked again on publishing, if still so). */
  const unask = () => {
    setPastAsk(null);
    setCutOffAsk(null);
  };
  const focusLater = useFocusLater();
  const [busy, setBusy] = useState(false);
  /** A publish that failed for a reason about no field (the network, the service): said above the button. */
  const [failure, setFailure] = useState<unknown>(null);
  /** "Try again" after an answer that never came publishes once: the same form is sent with the same Idempotency-Key. */
  const submission = useSubmissionKey();
  const lead = me.role !== 'trainer' && me.role !== 'admin';
  const [audience, setAudience] = useState<AudienceValue>(copyOf && copyOf.audience.orgId ? { kind: copyOf.audience.kind, orgId: copyOf.audience.orgId } : lead ? { kind: 'organisation', orgId: '' } : PROGRAMME);
  // A change to the form answers the question about a start in the past (asked again on publishing, if still so).
  const set = (patch: Partial<SessionValues>) => {
    unask();
    setValues((v) => withCutOffMoved(v, { ...v, ...patch }));
  };
  const setRepeat = (r: Repeat) => {
    unask();
    setRepeatState(r);
  };
  const setWeeks = (w: string) => {
    unask();
    setWeeksState(w);
  };
  const setDates = (d: string) => {
    unask();
    setDatesState(d);
  };
  const title = copyOf ? `New session (a copy of ${copyOf.title})` : 'New session';

  /** The dates of the series (the form's own date first), or the problem with them. */
  function seriesDays(): string[] | FieldError {
    if (repeat === 'weekly') {
      const n = Number(weeks);
      if (!Number.isInteger(n) || n < 2 || n > 52) return { field: 'weeks', message: 'Number of weeks must be a whole number from 2 to 52' };
      return Array.from({ length: n }, (_, i) => addDays(values.date, 7 * i));
    }
    const lines = linesOf(dates);
    if (!lines.length) return { field: 'dates', message: 'Enter at least one more date, one per line' };
    const days: string[] = [];
    // Every line that is no date is named at once, each with what is wrong with it.
    const wrong: { line: string; problem: string; reason: string }[] = [];
    for (const line of lines) {
      const r = parseDay(line);
      if ('problem' in r) {
        if (!wrong.some((w) => w.line === line)) wrong.push({ line, ...r });
      } else days.push(r.day);
    }
    if (wrong.length === 1) return { field: 'dates', message: wrong[0]!.problem };
    if (wrong.length > 1) return { field: 'dates', message: `${wrong.length} of the other days are not dates a session can be on: ${listOf(wrong.map((w) => `“${w.line}” (${w.reason})`))}. Correct or remove each of them` };
    const all = [...new Set([values.date, ...days])].sort();
    if (all.length > 52) return { field: 'dates', message: 'At most 52 dates at once' };
    return all;
  }

  /** Publishes; `agreed`: the starts in the past "Publish anyway" was pressed for (see pastAsk); `cutOffOk`: the cut-offs gone it was pressed for (see cutOffAsk). */
  async function submit(e: Event | null, agreed: string | null = pastAgreed, cutOffOk: string | null = cutOffAgreed) {
    e?.preventDefault();
    if (busy) return;
    setFailure(null);
    const { input, errors: found } = toInput(values);
    let days: string[] | null = null;
    if (repeat !== 'once' && input) {
      const r = seriesDays();
      if (Array.isArray(r)) {
        days = r;
        // A day whose start or end the clocks skip (its own date's were checked with the times): said beside the days, naming it.
        const tz = input.timeZone ?? 'Europe/London';
        const field = repeat === 'weekly' ? 'weeks' : 'dates';
        for (const d of days.filter((d) => d !== values.date)) {
          const gap = skippedTimeWords(d, values.start, tz) ?? skippedTimeWords(endDay(values, d), values.end, tz);
          if (gap) {
            found.push({ field, message: `${gap} Choose other times, or leave out ${formatDay(d)}.` });
            break;
          }
        }
      } else found.push(r);
    }
    const who = audienceInput(audience);
    if ('field' in who) found.push(who);
    else if (input) input.audience = who;
    setErrors(found);
    if (found.length || !input) {
      unask();
      return;
    }
    // A start in the past is most often a slip of the date: asked first, not refused (a session that took place may be recorded).
    const past = pastDays(values, days ?? [values.date]);
    const key = past.length ? JSON.stringify([input.timeZone, values.start, values.end, occurrenceOf(values), past.map((p) => p.day)]) : null;
    if (key !== null && key !== agreed) {
      setCutOffAsk(null);
      setPastAsk({ key, past, total: days?.length ?? 1 });
      focusLater(pastRef, { force: true });
      return;
    }
    setPastAsk(null);
    // A booking cut-off already gone closes booking as the session is published: asked first too.
    const cutOff = pastCutOffDays(values, days ?? [values.date]);
    const cutOffKey = cutOff.length ? JSON.stringify([input.timeZone, values.date, values.start, values.closesDate, values.closesTime, occurrenceOf(values), cutOff]) : null;
    if (cutOffKey !== null && cutOffKey !== cutOffOk) {
      setCutOffAsk({ key: cutOffKey, days: cutOff, total: days?.length ?? 1 });
      focusLater(cutOffRef, { force: true });
      return;
    }
    setCutOffAsk(null);
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
      const occurrences = days.map((d) => ({ startsAt: zonedIso(d, values.start, tz, occurrenceOf(values))!, endsAt: zonedIso(endDay(values, d), values.end, tz, occurrenceOf(values))! }));
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
      {pastAsk && (
        <PastStartQuestion
          values={values}
          past={pastAsk.past}
          total={pastAsk.total}
          goAhead={repeat === 'once' ? 'Publish anyway' : 'Publish them anyway'}
          busy={busy}
          innerRef={pastRef}
          onGoAhead={() => {
            setPastAgreed(pastAsk.key);
            void submit(null, pastAsk.key);
          }}
          onCorrect={() => {
            // To the field the first past day is in: the form's own date, or the list of days.
            const field = pastAsk.past.some((p) => p.day === values.date) || repeat !== 'dates' ? 'date' : 'dates';
            setPastAsk(null);
            document.getElementById(field)?.focus();
          }}
        />
      )}
      {cutOffAsk && (
        <PastCutOffQuestion
          values={values}
          days={cutOffAsk.days}
          total={cutOffAsk.total}
          goAhead={repeat === 'once' ? 'Publish anyway' : 'Publish them anyway'}
          busy={busy}
          innerRef={cutOffRef}
          onGoAhead={() => {
            setCutOffAgreed(cutOffAsk.key);
            void submit(null, pastAgreed, cutOffAsk.key);
          }}
          onCorrect={() => {
            setCutOffAsk(null);
            document.getElementById('closes-date')?.focus();
          }}
        />
      )}
      <form onSubmit={(e) => submit(e)} noValidate>
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
        {/* As the form's own date warns of a start in the past, the other days do, each named as typed: in the page while they are typed, before anything is published. */}
        {repeat === 'dates' && <PastDays values={values} lines={linesOf(dates)} />}
        {/* Another day of the series whose times happen twice (the clocks going back), when the form's own date's do not (asked there then). */}
        {repeat !== 'once' && <SeriesRepeatedTimes values={values} set={set} days={otherDays(repeat, values.date, weeks, dates)} />}
        <SaveFailure error={failure} busy={busy} onRetry={() => void submit(null)} />
        <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Publishing…' : repeat === 'once' ? 'Publish session' : 'Publish sessions'}
        </button>
      </form>
    </>
  );
}

/** The other days of a series, as far as they can be worked out while they are typed (the form's date left out). */
function otherDays(repeat: Repeat, date: string, weeks: string, dates: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return [];
  if (repeat === 'weekly') {
    const n = Number(weeks);
    return Number.isInteger(n) && n >= 2 && n <= 52 ? Array.from({ length: n - 1 }, (_, i) => addDays(date, 7 * (i + 1))) : [];
  }
  return linesOf(dates).flatMap((l) => {
    const r = parseDay(l);
    return 'day' in r && r.day !== date ? [r.day] : [];
  });
}

/**
 * The choice between the first and second of a time that happens twice, for the other days of
 * a series: shown when one of them falls on the night the clocks go back and the form's own
 * date does not (the fields above ask then, for every day alike).
 */
function SeriesRepeatedTimes({ values: v, set, days }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; days: string[] }) {
  const own: [string, string][] = [[v.date, v.start], [endDay(v, v.date), v.end], [v.closesDate, v.closesTime]];
  const others = days.flatMap((d): [string, string][] => [[d, v.start], [endDay(v, d), v.end]]);
  try {
    const tz = v.timeZone.trim() || 'Europe/London';
    if (own.some(([d, t]) => repeatedTime(d, t, tz))) return null;
  } catch {
    return null;
  }
  return <RepeatedTimeChoice values={v} set={set} times={others} idPrefix="series-occurrence" />;
}

/**
 * The other days of a series that start in the past by the server's clock, named as typed:
 * those no one will be able to book, and those people can still book until they end
 * (pastStart). A live region, present while empty, so the warning is read out
 * as it appears.
 */
function PastDays({ values, lines }: { values: SessionValues; lines: string[] }) {
  const past: Record<'bookable' | 'unbookable', string[]> = { bookable: [], unbookable: [] };
  for (const line of lines) {
    const r = parseDay(line);
    const when = 'day' in r && r.day !== values.date ? pastStart(values, r.day) : null;
    if (when && !past[when].includes(line)) past[when].push(line);
  }
  const said = (days: string[], then: (one: boolean) => string) => `The start time on ${listOf(days)} ${days.length === 1 ? 'is' : 'are'} in the past: ${then(days.length === 1)}`;
  return (
    <div role="status" class={past.bookable.length || past.unbookable.length ? 'notice notice-warning' : 'status-empty'}>
      {past.unbookable.length > 0 && <p>{said(past.unbookable, (one) => `no one will be able to book ${one ? 'that session' : 'those sessions'}.`)}</p>}
      {past.bookable.length > 0 && <p>{said(past.bookable, (one) => `people can still book ${one ? 'that session' : 'those sessions'} until ${one ? 'it ends' : 'each ends'}, but anyone who books too late to be there for the attendance needed will not count as having attended.`)}</p>}
    </div>
  );
}
