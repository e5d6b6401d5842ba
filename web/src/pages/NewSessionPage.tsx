import { useState } from 'preact/hooks';
import { CreateSessionInput, Session, type Mode } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { apiIssues, ErrorSummary, errorFor, messageOf, PageHeading, TextField, toFieldErrors, useApp, type FieldError } from '../components.js';
import { modeLabel, zonedIso } from '../format.js';
import { navigate } from '../router.js';

const FIELDS = {
  title: { id: 'title', label: 'Title' },
  description: { id: 'description', label: 'Description' },
  mode: { id: 'mode-online', label: 'Mode' },
  startsAt: { id: 'start', label: 'Start time' },
  endsAt: { id: 'end', label: 'End time' },
  timeZone: { id: 'timeZone', label: 'Time zone' },
  venue: { id: 'venue', label: 'Venue' },
  'capacity.inPerson': { id: 'cap-in-person', label: 'Number of in-person seats' },
  'capacity.online': { id: 'cap-online', label: 'Number of online seats' },
  waitlistPolicy: { id: 'policy', label: 'When a seat frees up' },
};

const num = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? undefined : Number(v));

/** Trainers and admins publish a session. */
export function NewSessionPage() {
  const { loc } = useApp();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [mode, setMode] = useState<Mode>('online');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const str = (k: string) => String(f.get(k) ?? '');
    const tz = str('timeZone').trim() || 'Europe/London';
    const found: FieldError[] = [];
    let startsAt: string | null = null;
    let endsAt: string | null = null;
    try {
      startsAt = zonedIso(str('date'), str('start'), tz);
      endsAt = zonedIso(str('date'), str('end'), tz);
    } catch {
      found.push({ field: 'timeZone', message: 'Time zone must be an IANA time zone such as Europe/London' });
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(str('date'))) found.push({ field: 'date', message: 'Enter the date of the session' });
    else if (!found.length && !startsAt) found.push({ field: 'start', message: 'Enter a start time, like 16:00' });
    else if (!found.length && !endsAt) found.push({ field: 'end', message: 'Enter an end time, like 17:30' });
    const input = CreateSessionInput.safeParse({
      title: str('title'),
      description: str('description') || undefined,
      mode,
      startsAt: startsAt ?? '',
      endsAt: endsAt ?? '',
      timeZone: tz,
      venue: mode === 'online' ? undefined : str('venue') || undefined,
      capacity: { inPerson: mode === 'online' ? undefined : num(f.get('capInPerson')), online: mode === 'in_person' ? undefined : num(f.get('capOnline')) },
      waitlistPolicy: str('policy') === 'offer' ? 'offer' : 'auto',
    });
    if (!input.success) {
      for (const fe of toFieldErrors(input.error.issues, FIELDS, FIELDS.title)) if (!found.some((x) => x.field === fe.field) && !(found.length && (fe.field === 'start' || fe.field === 'end'))) found.push(fe);
    }
    setErrors(found);
    if (found.length || !input.success) return;
    setBusy(true);
    try {
      const created = await api('/api/sessions', Session, { method: 'POST', body: input.data });
      navigate(`/sessions/${created.id}`);
    } catch (err) {
      const issues = apiIssues(err);
      setErrors(issues.length ? toFieldErrors(issues, FIELDS, FIELDS.title) : [{ field: 'title', message: messageOf(err) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="narrow">
      <PageHeading title="New session" navigated={loc.navigated} error={errors.length > 0}>
        New session
      </PageHeading>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <TextField id="title" label="Title" maxLength={200} error={errorFor(errors, 'title')} />
        <div class={errorFor(errors, 'description') ? 'field field-error' : 'field'}>
          <label for="description">Description (optional)</label>
          {errorFor(errors, 'description') && (
            <p class="error-message" id="description-error">
              {errorFor(errors, 'description')}
            </p>
          )}
          <textarea id="description" name="description" rows={5} aria-describedby={errorFor(errors, 'description') ? 'description-error' : undefined} />
        </div>
        <fieldset class="field">
          <legend>Mode</legend>
          <div class="radios">
            {(['online', 'in_person', 'hybrid'] as const).map((m) => (
              <div class="radio" key={m}>
                <input type="radio" id={`mode-${m}`} name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                <label for={`mode-${m}`}>{modeLabel[m]}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <TextField id="date" label="Date" type="date" error={errorFor(errors, 'date')} />
        <div class="row">
          <TextField id="start" label="Start time" type="time" error={errorFor(errors, 'start')} />
          <TextField id="end" label="End time" type="time" error={errorFor(errors, 'end')} />
        </div>
        <TextField id="timeZone" label="Time zone" defaultValue="Europe/London" hint="The zone the times above are in, such as Europe/London." spellcheck={false} error={errorFor(errors, 'timeZone')} />
        {mode !== 'online' && <TextField id="venue" label="Venue" maxLength={300} error={errorFor(errors, 'venue')} />}
        <div class="row">
          {mode !== 'online' && <TextField id="cap-in-person" name="capInPerson" label="Number of in-person seats" type="number" inputMode="numeric" min={0} error={errorFor(errors, 'cap-in-person')} />}
          {mode !== 'in_person' && <TextField id="cap-online" name="capOnline" label="Number of online seats" type="number" inputMode="numeric" min={0} error={errorFor(errors, 'cap-online')} />}
        </div>
        <div class="field">
          <label for="policy">When a seat frees up</label>
          <select id="policy" name="policy">
            <option value="auto">Give it straight to the next person on the waitlist</option>
            <option value="offer">Offer it to the next person for a limited time</option>
          </select>
        </div>
        <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          Publish session
        </button>
      </form>
    </div>
  );
}
