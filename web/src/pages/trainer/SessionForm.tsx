/**
 * The fields of a session (new, duplicate, series and edit share them), what they become for
 * the API, and how the API's refusals map back onto the fields.
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { AREAS, Course, CreateCourseInput, CreateSessionInput, type Mode, type Session } from '../../../../shared/sessions.js';
import { api, ApiError } from '../../api.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { errorFor, messageOf, Status, TextField, toFieldErrors, useApp, useFocusLater, type FieldError } from '../../components.js';
import { modeLabel, wallClock, zonedIso } from '../../format.js';

export interface SessionValues {
  title: string;
  description: string;
  mode: Mode;
  date: string;
  start: string;
  end: string;
  timeZone: string;
  venue: string;
  /** An area code, or '' for none. */
  area: string;
  capInPerson: string;
  capOnline: string;
  policy: 'auto' | 'offer';
  closesDate: string;
  closesTime: string;
  /** '' for no course. */
  courseId: string;
  /** Which part of its course (a whole number from 1). */
  part: string;
  /** The date before the date field was cleared (while it is being retyped), if any. */
  lastDate?: string;
}

export const EMPTY_SESSION: SessionValues = { title: '', description: '', mode: 'online', date: '', start: '', end: '', timeZone: 'Europe/London', venue: '', area: '', capInPerson: '', capOnline: '', policy: 'auto', closesDate: '', closesTime: '', courseId: '', part: '1' };

/** A session's values as the form shows them (times on the session's own clock). */
export function valuesOf(s: Session): SessionValues {
  const start = wallClock(s.startsAt, s.timeZone);
  const end = wallClock(s.endsAt, s.timeZone);
  const closes = s.bookingClosesAt ? wallClock(s.bookingClosesAt, s.timeZone) : null;
  return {
    title: s.title,
    description: s.description,
    mode: s.mode,
    date: start.date,
    start: start.time,
    end: end.time,
    timeZone: s.timeZone,
    venue: s.venue ?? '',
    area: s.area ?? '',
    capInPerson: s.mode === 'online' ? '' : String(s.capacity.inPerson),
    capOnline: s.mode === 'in_person' ? '' : String(s.capacity.online),
    policy: s.waitlistPolicy,
    closesDate: closes?.date ?? '',
    closesTime: closes?.time ?? '',
    courseId: s.courseId ?? '',
    part: String(s.part ?? 1),
  };
}

export const SESSION_FIELDS = {
  title: { id: 'title', label: 'Title' },
  description: { id: 'description', label: 'Description' },
  mode: { id: 'mode-online', label: 'Mode' },
  startsAt: { id: 'start', label: 'Start time' },
  endsAt: { id: 'end', label: 'End time' },
  timeZone: { id: 'timeZone', label: 'Time zone' },
  venue: { id: 'venue', label: 'Venue' },
  area: { id: 'area', label: 'Area' },
  'capacity.inPerson': { id: 'cap-in-person', label: 'Number of in-person seats' },
  'capacity.online': { id: 'cap-online', label: 'Number of online seats' },
  waitlistPolicy: { id: 'policy', label: 'When a seat frees up' },
  bookingClosesAt: { id: 'closes-date', label: 'Booking closes' },
  courseId: { id: 'course', label: 'Course' },
  part: { id: 'part', label: 'Part of the course' },
};

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The API input for the form's values, or the problems with them (for the fields). */
export function toInput(v: SessionValues): { input: CreateSessionInput; errors: FieldError[] } | { input: null; errors: FieldError[] } {
  const found: FieldError[] = [];
  const tz = v.timeZone.trim() || 'Europe/London';
  let startsAt: string | null = null;
  let endsAt: string | null = null;
  let closesAt: string | null = null;
  try {
    startsAt = zonedIso(v.date, v.start, tz);
    endsAt = zonedIso(v.date, v.end, tz);
    closesAt = v.closesDate ? zonedIso(v.closesDate, v.closesTime || '00:00', tz) : null;
  } catch {
    found.push({ field: 'timeZone', message: 'Time zone must be an IANA time zone such as Europe/London' });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) found.push({ field: 'date', message: 'Enter the date of the session' });
  else if (!found.length && !startsAt) found.push({ field: 'start', message: 'Enter a start time, like 16:00' });
  else if (!found.length && !endsAt) found.push({ field: 'end', message: 'Enter an end time, like 17:30' });
  if (v.closesDate && !/^\d{4}-\d{2}-\d{2}$/.test(v.closesDate)) found.push({ field: 'closes-date', message: 'Enter the date booking closes, or leave it empty' });
  const parsed = CreateSessionInput.safeParse({
    title: v.title,
    description: v.description || undefined,
    mode: v.mode,
    startsAt: startsAt ?? '',
    endsAt: endsAt ?? '',
    timeZone: tz,
    venue: v.mode === 'online' ? undefined : v.venue || undefined,
    // null, not left out: on an edit, an emptied area is cleared.
    area: v.area || null,
    capacity: { inPerson: v.mode === 'online' ? undefined : num(v.capInPerson), online: v.mode === 'in_person' ? undefined : num(v.capOnline) },
    waitlistPolicy: v.policy,
    bookingClosesAt: closesAt,
    courseId: v.courseId || null,
    part: v.courseId ? num(v.part) : undefined,
  });
  if (!parsed.success) {
    for (const fe of toFieldErrors(parsed.error.issues, SESSION_FIELDS, SESSION_FIELDS.title)) {
      if (!found.some((x) => x.field === fe.field) && !(found.length && (fe.field === 'start' || fe.field === 'end'))) found.push(fe);
    }
  }
  if (found.length || !parsed.success) return { input: null, errors: found };
  return { input: parsed.data, errors: [] };
}

/** The API's refusal as field errors: its field issues, a capacity below the seats taken beside that capacity, else the message on `fallback`. */
export function apiFieldErrors(err: unknown, fallback = 'title'): FieldError[] {
  if (err instanceof ApiError && err.issues.length) return toFieldErrors(err.issues, SESSION_FIELDS, SESSION_FIELDS.title);
  if (err instanceof ApiError && err.code === 'capacity_below_confirmed') return [{ field: /online/.test(err.message) ? 'cap-online' : 'cap-in-person', message: err.message }];
  return [{ field: fallback, message: messageOf(err) }];
}

/** The form's fields; `set` changes one value. */
export function SessionFields({ values, set, errors }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; errors: FieldError[] }) {
  const v = values;
  const text = (k: keyof SessionValues) => ({ value: v[k] as string, onInput: (e: Event) => set({ [k]: (e.currentTarget as HTMLInputElement).value } as Partial<SessionValues>) });
  const startsAt = (() => {
    try {
      return zonedIso(v.date, v.start, v.timeZone || 'Europe/London');
    } catch {
      return null;
    }
  })();
  const inPast = startsAt !== null && Date.parse(startsAt) < Date.now();
  return (
    <>
      <TextField id="title" label="Title" maxLength={200} error={errorFor(errors, 'title')} {...text('title')} />
      <div class={errorFor(errors, 'description') ? 'field field-error' : 'field'}>
        <label for="description">Description (optional)</label>
        {errorFor(errors, 'description') && (
          <p class="error-message" id="description-error">
            {errorFor(errors, 'description')}
          </p>
        )}
        <textarea id="description" name="description" rows={5} aria-describedby={errorFor(errors, 'description') ? 'description-error' : undefined} {...text('description')} />
      </div>
      <fieldset class="field">
        <legend>Mode</legend>
        <div class="radios">
          {(['online', 'in_person', 'hybrid'] as const).map((m) => (
            <div class="radio" key={m}>
              <input type="radio" id={`mode-${m}`} name="mode" value={m} checked={v.mode === m} onChange={() => set({ mode: m })} />
              <label for={`mode-${m}`}>{modeLabel[m]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <TextField id="date" label="Date" type="date" error={errorFor(errors, 'date')} {...text('date')} />
      <div class="row">
        <TextField id="start" label="Start time" type="time" error={errorFor(errors, 'start')} {...text('start')} />
        <TextField id="end" label="End time" type="time" error={errorFor(errors, 'end')} {...text('end')} />
      </div>
      <div role="status" class={inPast ? 'notice notice-warning' : 'status-empty'}>
        {inPast && <p>This start time is in the past. You can still save it, for example to record a session that has already taken place.</p>}
      </div>
      <TextField id="timeZone" label="Time zone" hint="The zone the times above are in, such as Europe/London." spellcheck={false} error={errorFor(errors, 'timeZone')} {...text('timeZone')} />
      {v.mode !== 'online' && <TextField id="venue" label="Venue" maxLength={300} error={errorFor(errors, 'venue')} {...text('venue')} />}
      <div class={errorFor(errors, 'area') ? 'field field-error' : 'field'}>
        <label for="area">Area (optional)</label>
        <p class="hint" id="area-hint">
          The region people find this session under. Choose Online / national for a session meant for anyone, anywhere.
        </p>
        {errorFor(errors, 'area') && (
          <p class="error-message" id="area-error">
            {errorFor(errors, 'area')}
          </p>
        )}
        <select id="area" name="area" aria-describedby={errorFor(errors, 'area') ? 'area-hint area-error' : 'area-hint'} value={v.area} onChange={(e) => set({ area: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="">No area</option>
          {AREAS.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="row">
        {v.mode !== 'online' && <TextField id="cap-in-person" name="capInPerson" label="Number of in-person seats" type="number" inputMode="numeric" min={1} error={errorFor(errors, 'cap-in-person')} {...text('capInPerson')} />}
        {v.mode !== 'in_person' && <TextField id="cap-online" name="capOnline" label="Number of online seats" type="number" inputMode="numeric" min={1} error={errorFor(errors, 'cap-online')} {...text('capOnline')} />}
      </div>
      <div class="field">
        <label for="policy">When a seat frees up</label>
        <select id="policy" name="policy" value={v.policy} onChange={(e) => set({ policy: (e.currentTarget as HTMLSelectElement).value === 'offer' ? 'offer' : 'auto' })}>
          <option value="auto">Give it straight to the next person on the waitlist</option>
          <option value="offer">Offer it to the next person for a limited time</option>
        </select>
      </div>
      <CourseFields values={v} set={set} errors={errors} />
      <div class="row">
        <TextField id="closes-date" label="Booking closes on (optional)" type="date" hint="Empty: booking stays open until the session ends." error={errorFor(errors, 'closes-date')} {...text('closesDate')} />
        <TextField id="closes-time" label="Booking closes at" type="time" {...text('closesTime')} />
      </div>
    </>
  );
}

/** The course a session belongs to, and which part of it (a course is complete once a session of each required part is attended). */
function CourseFields({ values: v, set, errors }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; errors: FieldError[] }) {
  const { me } = useApp();
  const courses = useLoad(() => api('/api/courses', z.object({ items: z.array(Course) })), []);
  return (
    <Loaded state={courses} what="the courses">
      {({ items }) => {
        const course = items.find((c) => c.id === v.courseId);
        return (
          <>
            <div class="row">
              <div class="field">
                <label for="course">Course (optional)</label>
                <select id="course" name="course" value={v.courseId} onChange={(e) => set({ courseId: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="">No course</option>
                  {items.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </div>
              {v.courseId && (
                <TextField
                  id="part"
                  label="Part of the course"
                  hint={course ? `${course.title} is complete once a session of ${course.partsRequired === 1 ? 'part 1' : `each of parts 1 to ${course.partsRequired}`} is attended.` : undefined}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={20}
                  error={errorFor(errors, 'part')}
                  value={v.part}
                  onInput={(e) => set({ part: (e.currentTarget as HTMLInputElement).value })}
                />
              )}
            </div>
            {/* Trainers and administrators add a course not listed yet (in-house leads choose from the programme's). */}
            {(me.role === 'trainer' || me.role === 'admin') && (
              <NewCourse
                onAdded={async (c) => {
                  await courses.reload();
                  set({ courseId: c.id, part: '1' });
                }}
              />
            )}
          </>
        );
      }}
    </Loaded>
  );
}

/**
 * A course not listed yet, added from the session form (POST /api/courses) and chosen for the
 * session. It sits inside the session's form, so it is a button, not a form of its own, and
 * Enter in its field adds the course rather than publishing the session.
 */
function NewCourse({ onAdded }: { onAdded: (c: z.infer<typeof Course>) => Promise<void> }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const action = useAction();
  const focusLater = useFocusLater();
  async function add() {
    setMessage('');
    const parsed = CreateCourseInput.safeParse({ title: title.trim() });
    if (!parsed.success) return setError('Enter the course’s title');
    setError('');
    const made = await action.run(() => api('/api/courses', Course, { method: 'POST', body: parsed.data }));
    if (!made) return;
    await onAdded(made);
    setTitle('');
    setMessage(`Course “${made.title}” added and chosen for this session.`);
    focusLater(() => document.getElementById('new-course-status'), { force: true });
  }
  return (
    <details class="field">
      <summary>Add a course that is not listed</summary>
      <Status message={message} id="new-course-status" focusable />
      <ActionError action={action} />
      <TextField
        id="new-course-title"
        label="New course title"
        maxLength={200}
        value={title}
        error={error || undefined}
        onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void add();
          }
        }}
      />
      <ActionButton type="button" class="button button-secondary" busy={action.busy} busyLabel="Adding…" onClick={() => void add()}>
        Add course
      </ActionButton>
    </details>
  );
}
