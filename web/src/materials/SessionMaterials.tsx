/**
 * A session's materials on its page: everyone who can see the session sees what it uses;
 * its trainers, the people booked on it and administrators download them; its trainer or
 * in-house lead (and administrators) add materials from the course library, upload their
 * own files or add links, and remove them.
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { Material, MaterialList, SessionMaterials as SessionMaterialsSchema } from '../../../shared/materials.js';
import { Course, type Session } from '../../../shared/sessions.js';
import { api, ApiError } from '../api.js';
import { Status, useFocusLater } from '../components.js';
import { serverNow } from '../clock.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import { LinkForm, UploadForm } from './AddMaterialForms.js';
import { MaterialFacts, MaterialItem, MaterialTitle } from './MaterialItem.js';

/** `reportErrors`: told, for each add form by name, whether it shows errors (the page's title says "Error:" meanwhile). */
export function SessionMaterials({ s, reportErrors }: { s: Session; reportErrors?: (form: string) => (shown: boolean) => void }) {
  const base = `/api/sessions/${encodeURIComponent(s.id)}/materials`;
  // Loaded again whenever the page reads the session again (after booking, cancelling or any
  // change there): whether the viewer may download follows their seat, so a place just booked
  // brings the downloads, and one given up takes them away, without a reload. What is shown
  // stays meanwhile, and so does whatever is typed in the forms below.
  const state = useLoad(() => api(base, SessionMaterialsSchema), [s]);
  const [message, setMessage] = useState('');
  const remove = useAction();
  const focusLater = useFocusLater();
  const data = state.data;
  // Nothing to say to someone who can neither use nor change an empty list.
  if (data && data.items.length === 0 && !data.canManage) return null;

  async function added(m: Material) {
    setMessage(`“${m.title}” added to this session’s materials.`);
    await state.reload();
    // "Add to session: …" has gone (the material is now used): the message takes focus.
    focusLater(() => document.getElementById('materials-status'));
  }

  function gone(message: string) {
    setMessage(message);
    // Its "Add to session" button went with it from the list: the message takes focus.
    focusLater(() => document.getElementById('materials-status'));
  }

  return (
    <section aria-labelledby="materials-title" class="panel">
      <h2 id="materials-title">Materials</h2>
      <Status message={message} id="materials-status" focusable />
      <Loaded state={state} what="the session’s materials">
        {(d) => (
          <>
            {d.items.length === 0 ? (
              <p>No materials yet.</p>
            ) : (
              <>
                {!d.canDownload && (
                  <p class="hint">
                    {/* Booking is offered only while it can be done: not on a cancelled session, nor once booking has closed. */}
                    {s.status === 'cancelled'
                      ? 'This session was cancelled, so its materials are not available to download.'
                      : Date.parse(s.bookingEndsAt) > serverNow()
                        ? 'Book a place on this session to download its materials.'
                        : 'Only those with a place on this session can download its materials.'}
                  </p>
                )}
                <ul class="plain materials">
                  {d.items.map((m) => (
                    <MaterialItem
                      key={m.id}
                      m={m}
                      busy={remove.busy}
                      removeLabel={`Remove ${m.title}`}
                      onRemove={
                        d.canManage
                          ? () =>
                              void remove.run(async () => {
                                setMessage('');
                                await api(`${base}/${encodeURIComponent(m.id)}`, z.unknown(), { method: 'DELETE' });
                                setMessage(`“${m.title}” removed from this session.`);
                                await state.reload();
                                // The material and its Remove button have gone: the message takes focus.
                                focusLater(() => document.getElementById('materials-status'));
                              })
                          : undefined
                      }
                    />
                  ))}
                </ul>
              </>
            )}
            {/* "Try again" ends where a first removal does: on the message (the material has gone). */}
            <ActionError action={remove} retryLabel="Try removing again" focusTo={() => document.getElementById('materials-status')} />
            {d.canManage && (
              // A new add (either form's submit, which bubbles here, or "Add to session") clears the
              // last outcome first, so only what this one does is shown and announced, never an old
              // "added" beside a new refusal.
              <div class="material-forms" onSubmit={() => setMessage('')}>
                <FromLibrary s={s} used={new Set(d.items.map((m) => m.id))} onStart={() => setMessage('')} onAdded={added} onGone={gone} />
                <UploadForm idPrefix="session-material" path={`${base}/files`} maxBytes={d.maxFileBytes} onAdded={added} onErrors={reportErrors?.('upload')} />
                <LinkForm idPrefix="session-material" path={`${base}/links`} onAdded={added} onErrors={reportErrors?.('link')} />
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** The course library to choose from: the session's course first, any other course on request. */
function FromLibrary({ s, used, onStart, onAdded, onGone }: { s: Session; used: Set<string>; onStart: () => void; onAdded: (m: Material) => Promise<void>; onGone: (message: string) => void }) {
  const courses = useLoad(() => api('/api/courses', z.object({ items: z.array(Course) })), []);
  const [courseId, setCourseId] = useState<string>(s.courseId ?? '');
  const library = useLoad(() => (courseId ? api(`/api/courses/${encodeURIComponent(courseId)}/materials`, MaterialList) : Promise.resolve({ items: [] as Material[] })), [courseId]);
  const attach = useAction();

  return (
    <section aria-labelledby="from-library-heading">
      <h3 id="from-library-heading">Add from the programme’s library</h3>
      <Loaded state={courses} what="courses">
        {(c) => (
          <div class="field">
            <label for="library-course">Course</label>
            <select id="library-course" value={courseId} onChange={(e) => setCourseId((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Choose a course</option>
              {c.items.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </select>
          </div>
        )}
      </Loaded>
      {courseId && (
        <Loaded state={library} what="the library">
          {(l) =>
            l.items.length === 0 ? (
              <p>This course’s library has no materials yet.</p>
            ) : (
              <ul class="plain materials">
                {l.items.map((m) => (
                  <li key={m.id} class="material">
                    {/* Looked at before it is added: the file downloads, the link opens. */}
                    <MaterialTitle m={m} />
                    <MaterialFacts m={m} />
                    {used.has(m.id) ? (
                      <p class="hint">Already used by this session.</p>
                    ) : (
                      <ActionButton
                        type="button"
                        class="button button-secondary"
                        busy={attach.busyFor(m.id)}
                        blocked={attach.busy}
                        busyLabel="Adding…"
                        onClick={() =>
                          void attach.run(async () => {
                            onStart();
                            try {
                              await onAdded(await api(`/api/sessions/${encodeURIComponent(s.id)}/materials`, Material, { method: 'POST', body: { materialId: m.id } }));
                            } catch (e) {
                              // Deleted from the library since the list was read: trying again cannot
                              // help, so the list is read again and that is said instead.
                              if (!(e instanceof ApiError && e.issues.some((i) => i.path === 'materialId'))) throw e;
                              await library.reload();
                              onGone(`“${m.title}” is no longer in the library (it may have been deleted), so it was not added. The library below is as it is now.`);
                            }
                          }, { for: m.id })
                        }
                      >
                        Add to session: {m.title}
                      </ActionButton>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      )}
      {/* "Try again" ends where a first add does: on the message ("Add to session" has gone). */}
      <ActionError action={attach} retryLabel="Try adding again" focusTo={() => document.getElementById('materials-status')} />
    </section>
  );
}
