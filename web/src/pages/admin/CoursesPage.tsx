import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { Course } from '../../../../shared/sessions.js';
import { PeoplePage } from '../../../../shared/accounts.js';
import { api } from '../../api.js';
import { ErrorSummary, errorFor, PageHeading, Status, TextField, useApp, type FieldError } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { CourseFeedbackSettingsList } from '../../../../shared/feedback.js';
import { AnonymousFeedbackToggle } from '../../feedback/pages.js';
import { Link } from '../../router.js';
import { everyTrainer, type Person } from '../../trainers.js';

type CourseRow = z.infer<typeof Course>;

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
  /** Courses whose completion rule shows an error: the page's title says "Error" while any does. */
  const [ruleErrors, setRuleErrors] = useState<ReadonlySet<string>>(new Set());
  const create = useAction();
  function ruleError(courseId: string, wrong: boolean) {
    setRuleErrors((was) => {
      if (was.has(courseId) === wrong) return was;
      const next = new Set(was);
      if (wrong) next.add(courseId);
      else next.delete(courseId);
      return next;
    });
  }

  async function add(e: Event) {
    e.preventDefault();
    if (!title.trim()) {
      // Said beside the field and in a summary that takes focus, never silently ignored.
      setErrors([{ field: 'course-title', message: 'Enter a course title' }]);
      return;
    }
    setErrors([]);
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await create.run(async () => {
      const c = await api('/api/courses', Course, { method: 'POST', body: { title: title.trim() } });
      setTitle('');
      setMessage(`Course “${c.title}” added.`);
      await state.reload();
    });
  }

  return (
    <>
      <PageHeading title="Courses" navigated={loc.navigated} error={errors.length > 0 || ruleErrors.size > 0}>
        Courses
      </PageHeading>
      <Status message={message} />
      <Loaded state={state} what="courses">
        {({ courses, trainers, known, anonymous }) => (
          <>
            {courses.length === 0 && <p>No courses yet.</p>}
            <ul class="cards plain">
              {courses.map((c) => (
                <li key={c.id}>
                  <CourseTrainers course={c} trainers={trainers} known={known} onSaved={(m) => setMessage(m)}>
                    <AnonymousFeedbackToggle courseId={c.id} title={c.title} anonymous={anonymous.has(c.id)} onSaved={(m) => setMessage(m)} />
                  </CourseTrainers>
                  <CompletionRule course={c} onSaved={(m) => setMessage(m)} onError={(wrong) => ruleError(c.id, wrong)} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
      <form class="panel narrow" onSubmit={add} aria-labelledby="new-course">
        <h2 id="new-course">Add a course</h2>
        <ErrorSummary errors={errors} />
        <TextField id="course-title" label="Course title" maxLength={200} error={errorFor(errors, 'course-title')} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        {/* "Try again" ends where a first add does: on "Add course", which stays. */}
        <ActionError action={create} focusTo={() => document.getElementById('add-course')} />
        <ActionButton id="add-course" busy={create.busy} busyLabel="Adding…">
          Add course
        </ActionButton>
      </form>
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

function CourseTrainers({ course, trainers, known, onSaved, children }: { course: CourseRow; trainers: Person[]; known: ReadonlyMap<string, Person>; onSaved: (message: string) => void; children?: ComponentChildren }) {
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
