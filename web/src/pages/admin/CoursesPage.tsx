import { useState } from 'preact/hooks';
import { z } from 'zod';
import { PeoplePage } from '../../../../shared/accounts.js';
import { Course } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { PageHeading, Status, TextField, useApp } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { Link } from '../../router.js';

type CourseRow = z.infer<typeof Course>;
type Person = z.infer<typeof PeoplePage>['items'][number];

/** Administrators: courses, and which trainers may run each one's sessions. */
export function CoursesPage() {
  const { loc } = useApp();
  const state = useLoad(async () => {
    const [courses, people] = await Promise.all([api('/api/courses', z.object({ items: z.array(Course) })), api('/api/users?limit=100', PeoplePage)]);
    return { courses: courses.items, trainers: people.items.filter((p) => p.role === 'trainer' && !p.disabled) };
  }, []);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const create = useAction();

  async function add(e: Event) {
    e.preventDefault();
    if (!title.trim()) return;
    const c = await create.run(() => api('/api/courses', Course, { method: 'POST', body: { title: title.trim() } }));
    if (c) {
      setTitle('');
      setMessage(`Course “${c.title}” added.`);
      await state.reload();
    }
  }

  return (
    <>
      <PageHeading title="Courses" navigated={loc.navigated}>
        Courses
      </PageHeading>
      <Status message={message} />
      <Loaded state={state} what="courses">
        {({ courses, trainers }) => (
          <>
            {courses.length === 0 && <p>No courses yet.</p>}
            <ul class="cards plain">
              {courses.map((c) => (
                <li key={c.id}>
                  <CourseTrainers course={c} trainers={trainers} onSaved={(m) => setMessage(m)} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
      <form class="panel narrow" onSubmit={add} aria-labelledby="new-course">
        <h2 id="new-course">Add a course</h2>
        <TextField id="course-title" label="Course title" maxLength={200} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        <ActionError action={create} />
        <ActionButton busy={create.busy} busyLabel="Adding…">
          Add course
        </ActionButton>
      </form>
    </>
  );
}

function CourseTrainers({ course, trainers, onSaved }: { course: CourseRow; trainers: Person[]; onSaved: (message: string) => void }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set(course.trainerIds ?? []));
  const save = useAction();
  const headingId = `course-${course.id}`;
  async function submit(e: Event) {
    e.preventDefault();
    const saved = await save.run(() => api(`/api/courses/${encodeURIComponent(course.id)}/trainers`, Course, { method: 'PUT', body: { trainerIds: [...chosen] } }));
    if (saved) onSaved(saved.trainerIds?.length ? `${saved.title}: ${saved.trainerIds.length} trainer(s) may run its sessions.` : `${saved.title}: any trainer may run its sessions.`);
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
            {trainers.map((t) => (
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
                <label for={`${course.id}-${t.id}`}>{t.name}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <ActionError action={save} />
        <ActionButton busy={save.busy} busyLabel="Saving…" aria-label={`Save trainers for ${course.title}`}>
          Save trainers
        </ActionButton>
      </form>
    </article>
  );
}
