import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { Course, CreateCourseInput } from '../../../../shared/sessions.js';
import { PeoplePage } from '../../../../shared/accounts.js';
import { api, ApiError } from '../../api.js';
import { apiIssues, AskBeforeSaving, ConfirmButton, described, ErrorSummary, errorFor, Field, lengthHint, messageOf, PageHeading, Status, TextField, toFieldErrors, tooLongError, useApp, useFocusLater, type FieldError } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { CourseFeedbackSettingsList } from '../../../../shared/feedback.js';
import { AnonymousFeedbackToggle } from '../../feedback/pages.js';
import { Link } from '../../router.js';
import { everyTrainer, type Person } from '../../trainers.js';

type CourseRow = z.infer<typeof Course>;

/** A course's longest title and description, in characters: the service's schema's own (a pasted text is refused with a word, not cut short). */
const MAX_TITLE_CHARS = CreateCourseInput.shape.title.in.maxLength!;
const MAX_DESCRIPTION_CHARS = CreateCourseInput.shape.description.unwrap().maxLength!;

/** Administrators: courses, and which trainers may run each one's sessions. */
export function CoursesPage() {
  const { loc } = useApp();
  const state = useLoad(async () => {
    const [courses, trainers, admins, feedback] = await Promise.all([api('/api/courses', z.object({ items: z.array(Course) })), everyTrainer(), everyAdmin(), api('/api/feedback/settings', CourseFeedbackSettingsList)]);
    const anonymous = new Set(feedback.items.filter((f) => f.anonymous).map((f) => f.courseId));
    // Trainers whose accounts are on are offered; anyone else a course's list names (a trainer
    // turned off, an administrator) is shown on that course only, ticked, so it can be unticked.
    return { courses: courses.items, trainers: trainers.filter((p) => !p.disabled), known: new Map([...trainers, ...admins].map((p) => [p.id, p])), anonymous };
  }, []);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Forms of courses that show an error (`<id> rule`, `<id> details`): the page's title says "Error" while any does. */
  const [formErrors, setFormErrors] = useState<ReadonlySet<string>>(new Set());
  const create = useAction();
  const focusLater = useFocusLater();
  function formError(key: string, wrong: boolean) {
    setFormErrors((was) => {
      if (was.has(key) === wrong) return was;
      const next = new Set(was);
      if (wrong) next.add(key);
      else next.delete(key);
      return next;
    });
  }
  /** A course gone from the page (deleted here, or by someone else): its forms' errors go with it, and the message saying so takes focus. */
  function gone(courseId: string, said: string) {
    formError(`${courseId} rule`, false);
    formError(`${courseId} details`, false);
    setMessage(said);
    focusLater(() => document.getElementById('courses-status'), { force: true });
  }

  async function add(e: Event) {
    e.preventDefault();
    if (!title.trim()) {
      // Said beside the field and in a summary that takes focus, never silently ignored.
      setErrors([{ field: 'course-title', message: 'Enter a course title' }]);
      return;
    }
    const tooLong = tooLongError('Course title', title, MAX_TITLE_CHARS);
    if (tooLong) return setErrors([{ field: 'course-title', message: tooLong }]);
    setErrors([]);
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await create.run(async () => {
      try {
        const c = await api('/api/courses', Course, { method: 'POST', body: { title: title.trim(), uniqueTitle: true } });
        setTitle('');
        setMessage(`Course “${c.title}” added.`);
        await state.reload();
      } catch (err) {
        // A title another course has: said beside the field (nothing to try again).
        if (err instanceof ApiError && apiIssues(err).some((i) => i.path === 'title')) return setErrors([{ field: 'course-title', message: messageOf(err) }]);
        throw err;
      }
    });
  }

  return (
    <>
      <PageHeading title="Courses" navigated={loc.navigated} error={errors.length > 0 || formErrors.size > 0}>
        Courses
      </PageHeading>
      {/* Focused when a course leaves the page (deleted), with the control that deleted it. */}
      <Status message={message} id="courses-status" focusable />
      <Loaded state={state} what="courses">
        {({ courses, trainers, known, anonymous }) => (
          <>
            {courses.length === 0 && <p>No courses yet.</p>}
            <ul class="cards plain">
              {courses.map((c) => (
                <li key={c.id}>
                  <CourseTrainers
                    course={c}
                    trainers={trainers}
                    known={known}
                    onSaved={(m) => setMessage(m)}
                    details={<CourseDetails course={c} onSaved={async (m) => { setMessage(m); await state.reload(); }} onGone={async (m) => { await state.reload(); gone(c.id, m); }} reload={state.reload} onError={(wrong) => formError(`${c.id} details`, wrong)} />}
                  >
                    <AnonymousFeedbackToggle courseId={c.id} title={c.title} anonymous={anonymous.has(c.id)} onSaved={(m) => setMessage(m)} />
                  </CourseTrainers>
                  <CompletionRule course={c} onSaved={(m) => setMessage(m)} onError={(wrong) => formError(`${c.id} rule`, wrong)} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
      <form class="panel narrow" onSubmit={add} aria-labelledby="new-course">
        <h2 id="new-course">Add a course</h2>
        <ErrorSummary errors={errors} />
        <TextField id="course-title" label="Course title" hint={lengthHint(title, MAX_TITLE_CHARS)} error={errorFor(errors, 'course-title')} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        {/* "Try again" ends where a first add does: on "Add course", which stays. */}
        <ActionError action={create} focusTo={() => document.getElementById('add-course')} />
        <ActionButton id="add-course" busy={create.busy} busyLabel="Adding…">
          Add course
        </ActionButton>
      </form>
    </>
  );
}

/** "1 session", "3 materials". */
const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Why a course cannot be deleted, and what to do instead; null when it can be (the server's rule, deleteCourse). */
function whyKept(use: { sessions: number; materials: number }): string | null {
  const sessions = use.sessions > 0 ? counted(use.sessions, 'session uses', 'sessions use') : '';
  const materials = use.materials > 0 ? `its materials library holds ${counted(use.materials, 'material', 'materials')}` : '';
  if (!sessions && !materials) return null;
  const them = (n: number, one: string, many: string) => (n === 1 ? one : many);
  const todo = [
    sessions ? `move ${them(use.sessions, 'that session to another course on its Edit page', 'those sessions to another course on each one’s Edit page')}` : '',
    materials ? `delete ${them(use.materials, 'that material', 'those materials')} from its library` : '',
  ].filter(Boolean);
  const what = sessions && materials ? `${sessions} this course and ${materials}` : sessions ? `${sessions} this course` : materials.replace(/^its/, 'Its');
  return `${what}, so it cannot be deleted. To delete it, ${todo.join(' and ')} first; or keep the course.`;
}

/**
 * A course's description, and changing its title and description or deleting it. Edit opens
 * the form in the card, its title field focused; Cancel, or saving, closes it and gives focus
 * back to Edit. Deleting asks first, and only a course nothing counts for can be deleted (its
 * sessions not cancelled, its library's materials: the server's rule, DELETE /api/courses/{id});
 * otherwise the card says why, and what to do instead.
 */
function CourseDetails({ course, onSaved, onGone, reload, onError }: { course: CourseRow; onSaved: (message: string) => Promise<void>; onGone: (message: string) => Promise<void>; reload: () => Promise<void>; onError: (wrong: boolean) => void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(course.title);
  const [description, setDescription] = useState(course.description);
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** A new title, asked about before saving (see renameQuestion). */
  const [asking, setAsking] = useState(false);
  const save = useAction();
  const remove = useAction();
  const focusLater = useFocusLater();
  const ids = { edit: `edit-${course.id}`, title: `title-${course.id}`, description: `description-${course.id}`, save: `save-${course.id}` };
  const fields = { title: { id: ids.title, label: 'Title' }, description: { id: ids.description, label: 'Description' } };
  const use = course.use ?? { sessions: 0, cancelledSessions: 0, materials: 0 };
  // Certificates are issued for sessions attended (and for the course, once complete): with no session, cancelled or not, there are none to speak of.
  // How many there are is not known here (the courses list counts sessions and materials only).
  const mayHaveCertificates = use.sessions + use.cancelledSessions > 0;
  function showErrors(found: FieldError[]) {
    setErrors(found);
    onError(found.length > 0);
  }
  function open() {
    setTitle(course.title);
    setDescription(course.description);
    setAsking(false);
    setEditing(true);
    focusLater(() => document.getElementById(ids.title), { force: true });
  }
  function close() {
    showErrors([]);
    save.clear();
    setAsking(false);
    setEditing(false);
    focusLater(() => document.getElementById(ids.edit), { force: true });
  }
  async function submit(e: Event | null, confirmed = false) {
    e?.preventDefault();
    // Longer than the service keeps: said with how much to take out, the text kept to be shortened.
    const tooLong = [
      { field: ids.title, message: tooLongError('Title', title, MAX_TITLE_CHARS) },
      { field: ids.description, message: tooLongError('Description', description, MAX_DESCRIPTION_CHARS) },
    ].filter((f): f is FieldError => f.message !== undefined);
    if (tooLong.length) {
      setAsking(false);
      return showErrors(tooLong);
    }
    // Checked as the server checks a new course (CreateCourseInput): a title, one line, at most 200 characters.
    const parsed = CreateCourseInput.safeParse({ title, description });
    if (!parsed.success) {
      // An empty title is asked for as adding a course asks for it.
      const issues = title.trim() ? parsed.error.issues : parsed.error.issues.filter((i) => i.path[0] !== 'title');
      return showErrors([...(title.trim() ? [] : [{ field: ids.title, message: 'Enter a course title' }]), ...toFieldErrors(issues, fields, fields.title)]);
    }
    showErrors([]);
    // Only what was changed is sent.
    const body = { ...(parsed.data.title !== course.title ? { title: parsed.data.title } : {}), ...((parsed.data.description ?? '') !== course.description ? { description: parsed.data.description ?? '' } : {}) };
    // A new title (even in capitals only) makes the certificates already issued check as out of date: asked first, where there may be any.
    if (body.title !== undefined && mayHaveCertificates && !confirmed) return setAsking(true);
    setAsking(false);
    await save.run(async () => {
      if (Object.keys(body).length === 0) {
        close();
        return onSaved(`Nothing to save: the title and description of “${course.title}” are as they were.`);
      }
      try {
        const saved = await api(`/api/courses/${encodeURIComponent(course.id)}`, Course, { method: 'PATCH', body });
        close();
        await onSaved(saved.title !== course.title ? `“${course.title}” is now called “${saved.title}”.` : `The description of “${saved.title}” was saved.`);
      } catch (err) {
        // A title another course has: said beside the title.
        if (err instanceof ApiError && apiIssues(err).length) return showErrors(toFieldErrors(apiIssues(err), fields, fields.title).map((f) => (f.field === ids.title && err.status === 409 ? { ...f, message: messageOf(err) } : f)));
        // Deleted by someone else meanwhile: the page shows the courses as they are, and says so.
        if (err instanceof ApiError && err.status === 404) return onGone(`“${course.title}” was deleted by someone else, so your changes were not saved.`);
        throw err;
      }
    });
  }
  async function doDelete() {
    await remove.run(
      async () => {
        try {
          await api(`/api/courses/${encodeURIComponent(course.id)}`, z.unknown(), { method: 'DELETE' });
        } catch (err) {
          // Already gone: what was asked for is done.
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
        await onGone(`Course “${course.title}” deleted.`);
      },
      // Refused (a session was added meanwhile): the card shows why it cannot be deleted now.
      { onRefused: reload, focusAfterRetry: () => document.getElementById('courses-status') },
    );
  }

  if (editing) {
    const summaryId = `details-${course.id}-summary`;
    const titleHint = lengthHint(title, MAX_TITLE_CHARS);
    const descriptionHint = lengthHint(description, MAX_DESCRIPTION_CHARS);
    return (
      <form onSubmit={submit} noValidate aria-label={`Title and description of ${course.title}`}>
        <ErrorSummary errors={errors} titleId={summaryId} level={3} />
        <TextField
          id={ids.title}
          label="Title"
          hint={titleHint}
          value={title}
          error={errorFor(errors, ids.title)}
          onInput={(e) => {
            setTitle((e.currentTarget as HTMLInputElement).value);
            setAsking(false);
          }}
        />
        <Field id={ids.description} label="Description (optional)" hint={descriptionHint} error={errorFor(errors, ids.description)}>
          <textarea id={ids.description} rows={4} {...described(ids.description, descriptionHint, errorFor(errors, ids.description))} value={description} onInput={(e) => { setDescription((e.currentTarget as HTMLTextAreaElement).value); setAsking(false); }} />
        </Field>
        {/* "Try again" ends where a first save does: on Edit, once the form has closed. */}
        <ActionError action={save} focusTo={() => document.getElementById(ids.edit)} />
        <AskBeforeSaving
          label={`Rename ${course.title}`}
          question={asking ? `Any certificates already issued for “${course.title}” print its old title: their codes will check as out of date (not forged) until their holders download them again. Rename it to “${title.trim()}”?` : null}
          confirmLabel="Yes, rename it"
          keepLabel="No, not yet"
          busy={save.busy}
          onConfirm={() => void submit(null, true)}
          onKeep={() => setAsking(false)}
          saveId={ids.save}
        >
          <div class="actions">
            <ActionButton id={ids.save} busy={save.busy} busyLabel="Saving…" aria-label={`Save title and description of ${course.title}`}>
              Save
            </ActionButton>
            <button type="button" class="button button-secondary" onClick={close} aria-label={`Cancel changing ${course.title}`}>
              Cancel
            </button>
          </div>
        </AskBeforeSaving>
      </form>
    );
  }
  const kept = whyKept(use);
  return (
    <>
      {course.description ? <p class="prose">{course.description}</p> : null}
      <div class="actions">
        <button type="button" id={ids.edit} class="button button-secondary" onClick={open} aria-label={`Edit title and description of ${course.title}`}>
          Edit title and description
        </button>
        {!kept && (
          <ConfirmButton
            label={`Delete course ${course.title}`}
            text="Delete course"
            busyText="Deleting…"
            busy={remove.busy}
            question={`Delete the course “${course.title}”? This cannot be undone.${use.cancelledSessions > 0 ? ` Its ${counted(use.cancelledSessions, 'cancelled session', 'cancelled sessions')} will no longer name a course.` : ''}`}
            confirmLabel="Yes, delete the course"
            keepLabel="No, keep it"
            onConfirm={() => void doDelete()}
          />
        )}
      </div>
      {kept && <p id={`kept-${course.id}`}>{kept}</p>}
      <ActionError action={remove} />
    </>
  );
}

/**
 * The course's completion rule: how many parts (1..n) a person must attend a session of. A
 * wrong number is said as every form says it: in a summary that takes focus, and beside the
 * field (the form checks it itself, not with the browser's own bubble).
 */
function CompletionRule({ course, onSaved, onError }: { course: CourseRow; onSaved: (message: string) => void; onError: (wrong: boolean) => void }) {
  const [parts, setParts] = useState(String(course.partsRequired));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const save = useAction();
  const id = `parts-${course.id}`;
  function showErrors(found: FieldError[]) {
    setErrors(found);
    onError(found.length > 0);
  }
  async function submit(e: Event) {
    e.preventDefault();
    const n = Number(parts);
    if (!parts.trim() || !Number.isInteger(n) || n < 1 || n > 20) {
      showErrors([{ field: id, message: 'Enter a whole number of parts from 1 to 20.' }]);
      return;
    }
    showErrors([]);
    await save.run(async () => {
      const saved = await api(`/api/courses/${encodeURIComponent(course.id)}`, Course, { method: 'PATCH', body: { partsRequired: n } });
      onSaved(`${saved.title}: complete once a session of ${saved.partsRequired === 1 ? 'part 1' : `each of parts 1 to ${saved.partsRequired}`} is attended.`);
    });
  }
  return (
    <form class="card" onSubmit={submit} noValidate aria-label={`Completion rule for ${course.title}`}>
      <ErrorSummary errors={errors} titleId={`${id}-summary`} />
      <TextField
        id={id}
        label={`Parts to attend to complete ${course.title}`}
        hint="A person completes the course once they have attended a session of each part from 1 to this number. Trainers say which part each session is."
        type="number"
        min={1}
        max={20}
        step={1}
        inputMode="numeric"
        value={parts}
        error={errorFor(errors, id)}
        onInput={(e) => setParts((e.currentTarget as HTMLInputElement).value)}
      />
      {/* "Try again" ends where a first save does: on the Save button, which stays. */}
      <ActionError action={save} focusTo={() => document.getElementById(`${id}-save`)} />
      <ActionButton id={`${id}-save`} busy={save.busy} busyLabel="Saving…" aria-label={`Save completion rule for ${course.title}`}>
        Save completion rule
      </ActionButton>
    </form>
  );
}

/** Every administrator, a page at a time (a course's list may name administrators as well as trainers). */
async function everyAdmin(): Promise<Person[]> {
  const all: Person[] = [];
  for (;;) {
    const page = await api(`/api/users?${new URLSearchParams({ role: 'admin', limit: '100', offset: String(all.length) })}`, PeoplePage);
    all.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return all;
  }
}

/** How someone the course's list names, who is not among the trainers offered, is called beside their box. */
function listedLabel(p: Person | undefined) {
  if (!p) return 'Someone who no longer runs sessions';
  if (p.disabled) return `${p.name} (account turned off)`;
  if (p.role === 'admin') return `${p.name} (administrator)`;
  return `${p.name} (no longer a trainer)`;
}

function CourseTrainers({ course, trainers, known, onSaved, details, children }: { course: CourseRow; trainers: Person[]; known: ReadonlyMap<string, Person>; onSaved: (message: string) => void; details?: ComponentChildren; children?: ComponentChildren }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set(course.trainerIds ?? []));
  // Named on the course's list (as it was loaded) but not offered: shown so that "none ticked" is true when it says so.
  const listedOnly = (course.trainerIds ?? []).filter((id) => !trainers.some((t) => t.id === id)).map((id) => ({ id, label: listedLabel(known.get(id)) }));
  const save = useAction();
  const headingId = `course-${course.id}`;
  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const saved = await api(`/api/courses/${encodeURIComponent(course.id)}/trainers`, Course, { method: 'PUT', body: { trainerIds: [...chosen] } });
      onSaved(saved.trainerIds?.length ? `${saved.title}: ${saved.trainerIds.length} trainer(s) may run its sessions.` : `${saved.title}: any trainer may run its sessions.`);
    });
  }
  return (
    <article class="card" aria-labelledby={headingId}>
      <h2 class="card-title" id={headingId}>
        {course.title}
      </h2>
      {details}
      <p>
        <Link href={`/admin/courses/${course.id}/materials`}>Materials library: {course.title}</Link>
      </p>
      <form onSubmit={submit}>
        <fieldset class="field">
          <legend>Trainers who may run it (none ticked: any trainer)</legend>
          <div class="checkboxes">
            {[...trainers.map((t) => ({ id: t.id, label: t.name })), ...listedOnly].map((t) => (
              <div class="checkbox" key={t.id}>
                <input
                  type="checkbox"
                  id={`${course.id}-${t.id}`}
                  checked={chosen.has(t.id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if ((e.currentTarget as HTMLInputElement).checked) next.add(t.id);
                    else next.delete(t.id);
                    setChosen(next);
                  }}
                />
                <label for={`${course.id}-${t.id}`}>{t.label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        {/* "Try again" ends where a first save does: on the Save button, which stays. */}
        <ActionError action={save} focusTo={() => document.getElementById(`${headingId}-save`)} />
        <ActionButton id={`${headingId}-save`} busy={save.busy} busyLabel="Saving…" aria-label={`Save trainers for ${course.title}`}>
          Save trainers
        </ActionButton>
      </form>
      {children}
    </article>
  );
}
