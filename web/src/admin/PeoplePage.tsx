/**
 * Administrators: everyone, found by name or email, with their accounts turned off or on
 * and the captioner flag. The start of the admin area (more admin pages join it later).
 */
import { useState } from 'preact/hooks';
import { PeoplePage as PeoplePageSchema, type User } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { PageHeading, Status, TextField, useApp, useFocusLater } from '../components.js';
import { ActionButton, Loaded, Retry, useLoad } from '../load.js';
import { navigate } from '../router.js';
import { PersonCard } from '../accounts/PersonCard.js';
import { NewPersonForm } from './NewPersonForm.js';
import { personTimetableHref } from '../timetable/PersonTimetablePage.js';

const PAGE = 50;

export function PeoplePage() {
  const { me, loc } = useApp();
  const q = loc.query.get('q') ?? '';
  const [message, setMessage] = useState('');
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const page = (offset: number) => api(`/api/users?${new URLSearchParams({ q, limit: String(PAGE), offset: String(offset) })}`, PeoplePageSchema);
  const people = useLoad(() => page(0), [q]);
  const focusLater = useFocusLater();

  async function showMore(shown: User[]) {
    if (more.busy) return;
    setMore({ busy: true, error: null });
    try {
      const next = await page(shown.length);
      people.set({ items: [...shown, ...next.items], hasMore: next.hasMore });
      setMore({ busy: false, error: null });
      setMessage(`${next.items.length} more shown.`);
      // The first of those just shown takes focus (the button pressed goes after the last batch).
      const first = next.items[0];
      if (first) focusLater(() => document.getElementById(`person-${first.id}`), { force: true });
    } catch (e) {
      setMore({ busy: false, error: e });
    }
  }

  function search(e: Event) {
    e.preventDefault();
    const text = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    setMessage('');
    navigate(text ? `/admin/people?${new URLSearchParams({ q: text })}` : '/admin/people');
  }

  return (
    <>
      <PageHeading title="People" navigated={loc.navigated}>
        People
      </PageHeading>
      <NewPersonForm onAdded={() => void people.reload()} />
      <h2 id="find-people">Find people</h2>
      <form class="filters" role="search" aria-labelledby="find-people" onSubmit={search}>
        <TextField id="q" label="Name or email" type="search" defaultValue={q} spellcheck={false} />
        <div class="field field-action">
          <button type="submit" class="button">
            Search
          </button>
        </div>
      </form>
      <Status message={message} />
      <Loaded state={people} what="people">
        {(data) => (
          <>
            <p class="count" aria-live="polite">
              {data.items.length === 0 ? (q ? `No one matches “${q}”.` : 'No one yet.') : q ? `People matching “${q}”` : 'Everyone, by name'}
            </p>
            <ul class="plain cards" aria-label="People">
              {data.items.map((p: User) => (
                <PersonCard
                  key={p.id}
                  person={p}
                  canDisable={p.id !== me.id}
                  canSetCaptioner
                  timetableHref={personTimetableHref(me, p)}
                  onChanged={(next, m) => {
                    people.set({ ...data, items: data.items.map((x) => (x.id === next.id ? next : x)) });
                    setMessage(m);
                  }}
                />
              ))}
            </ul>
            {data.hasMore && (
              <div class="actions">
                <ActionButton type="button" class="button button-secondary" busy={more.busy} busyLabel="Loading more…" onClick={() => void showMore(data.items)}>
                  Show more people
                </ActionButton>
              </div>
            )}
            {more.error ? <Retry error={more.error} onRetry={() => void showMore(data.items)} busy={more.busy} /> : null}
          </>
        )}
      </Loaded>
    </>
  );
}
