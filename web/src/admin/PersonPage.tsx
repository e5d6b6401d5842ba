/**
 * Administrators: one person's record by id (`/admin/people/:id`), their card as People shows
 * it, with every change an administrator may make there and their Account history. Whose
 * account an audit log entry was about links here. An erased person's record holds nothing
 * more than that it was erased.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { PageHeading, PendingHeading, Status, useApp, useFocusLater } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { AdminPersonCard } from './AdminPersonCard.js';

export function PersonPage({ userId }: { userId: string }) {
  const { loc } = useApp();
  // No such person (an old or mistyped link: an unknown id, or no id at all): null, said plainly below with the way back.
  const person = useLoad(async () => {
    try {
      return await api(`/api/users/${encodeURIComponent(userId)}`, User);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || (e.status === 400 && e.code === 'validation_failed'))) return null;
      throw e;
    }
  }, [userId]);
  const [message, setMessage] = useState<ComponentChildren>('');
  const focusLater = useFocusLater();
  return (
    <>
      <PendingHeading state={person} title="Person" navigated={loc.navigated} />
      <Loaded state={person} what="the person">
        {(p) =>
          p === null ? (
            <>
              <PageHeading title="Person not found" navigated={loc.navigated} error>
                Person not found
              </PageHeading>
              <p role="alert">
                No one with this link was found. <Link href="/admin/people">Find them in People</Link>.
              </p>
            </>
          ) : (
          <>
            <PageHeading title={p.name} navigated={loc.navigated}>
              <span class="break">{p.name}</span>
            </PageHeading>
            <p class="back">
              <Link href="/admin/people">Back to People</Link>
            </p>
            <Status message={message} id="person-status" focusable />
            {p.erased ? (
              <>
                <p>This person’s personal data has been erased: the account is kept, turned off for good, only so that their past bookings and attendance still count.</p>
                <p>
                  <Link href={`/admin/audit-log?${new URLSearchParams({ person: p.id })}`}>Account history</Link>
                </p>
              </>
            ) : (
              <ul class="plain cards" aria-label={p.name}>
                <AdminPersonCard
                  person={p}
                  onChanged={(next, m) => {
                    person.set(next);
                    setMessage(m);
                    // Erased, the card and the control pressed go: the message takes focus.
                    if (next.erased) focusLater(() => document.getElementById('person-status'), { force: true });
                  }}
                />
              </ul>
            )}
          </>
          )
        }
      </Loaded>
    </>
  );
}
