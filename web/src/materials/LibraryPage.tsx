/** Administrators: one course's materials library (files and links): add, download, delete. */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { MaterialList, type Material } from '../../../shared/materials.js';
import { Course } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { ActionError, Loaded, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';
import { LinkForm, UploadForm, useFormsWithErrors } from './AddMaterialForms.js';
import { MaterialItem } from './MaterialItem.js';

export function LibraryPage({ courseId }: { courseId: string }) {
  const { loc } = useApp();
  const state = useLoad(async () => {
    const [courses, library] = await Promise.all([api('/api/courses', z.object({ items: z.array(Course) })), api(`/api/courses/${encodeURIComponent(courseId)}/materials`, MaterialList)]);
    return { course: courses.items.find((c) => c.id === courseId) ?? null, items: library.items, maxFileBytes: library.maxFileBytes };
  }, [courseId]);
  const [message, setMessage] = useState('');
  const remove = useAction();
  const focusLater = useFocusLater();
  // While either add form shows errors, the page's title says "Error:", as every form's page does.
  const forms = useFormsWithErrors();
  const base = `/api/courses/${encodeURIComponent(courseId)}/materials`;
  const title = state.data?.course ? `Materials: ${state.data.course.title}` : 'Materials library';

  async function added(m: Material) {
    setMessage(`“${m.title}” added to the library.`);
    await state.reload();
  }

  return (
    <>
      <p class="back">
        <Link href="/admin/courses">Back to courses</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated} error={forms.any}>
        {title}
      </PageHeading>
      <p>Trainers and in-house leads choose from this library for their sessions; the people booked on a session download what it uses.</p>
      <Status message={message} id="library-status" focusable />
      <Loaded state={state} what="the library">
        {(d) => (
          <section aria-labelledby="library-list">
            <h2 id="library-list">In the library</h2>
            {d.items.length === 0 ? (
              <p>No materials yet.</p>
            ) : (
              <ul class="plain materials">
                {d.items.map((m) => (
                  <MaterialItem
                    key={m.id}
                    m={m}
                    busy={remove.busy}
                    removeLabel={`Delete ${m.title}`}
                    onRemove={() =>
                      void remove.run(async () => {
                        setMessage('');
                        await api(`/api/materials/${encodeURIComponent(m.id)}`, z.unknown(), { method: 'DELETE' });
                        setMessage(`“${m.title}” deleted. Sessions that used it no longer list it.`);
                        await state.reload();
                        // The material and its Delete button have gone: the message takes focus.
                        focusLater(() => document.getElementById('library-status'));
                      })
                    }
                  />
                ))}
              </ul>
            )}
            {/* "Try again" ends where a first delete does: on the message (the material has gone). */}
            <ActionError action={remove} retryLabel="Try deleting again" focusTo={() => document.getElementById('library-status')} />
          </section>
        )}
      </Loaded>
      {/* Once the library has come: the upload form says the site's limit, which comes with it. */}
      {state.data && (
        // A new add clears the last outcome, so only the current one shows and is announced.
        <section class="panel narrow" aria-labelledby="library-add" onSubmit={() => setMessage('')}>
          <h2 id="library-add">Add to the library</h2>
          <UploadForm idPrefix="library" path={`${base}/files`} maxBytes={state.data.maxFileBytes} onAdded={added} onErrors={forms.report('upload')} />
          <LinkForm idPrefix="library" path={`${base}/links`} onAdded={added} onErrors={forms.report('link')} />
        </section>
      )}
    </>
  );
}
