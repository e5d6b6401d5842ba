import { useState } from 'preact/hooks';
import { z } from 'zod';
import { OutboxMessage } from '../../../../shared/bookings.js';
import { api } from '../../api.js';
import { Badge, PageHeading, Status, TextField, useApp, useFocusLater } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';

type Message = z.infer<typeof OutboxMessage>;

/** pending with an error is a failed attempt waiting for its next try. */
function statusOf(m: Message): { label: string; tone: string } {
  if (m.status === 'sent') return { label: 'Sent', tone: 'confirmed' };
  if (m.status === 'local') return { label: 'Kept in the local outbox (no mail server set)', tone: 'offered' };
  if (m.status === 'dropped') return { label: 'Not sent: it no longer applied', tone: 'cancelled' };
  if (m.lastError) return { label: 'Failed, will be tried again', tone: 'cancelled' };
  return { label: 'Waiting to be sent', tone: 'waitlisted' };
}

/** How many messages the page lists: the newest; one more is asked for, to know whether there are older ones. */
const SHOWN = 200;

/** Administrators: every message the service sends, its status, attempts and last error, and "retry now". */
export function OutboxPage() {
  const { loc } = useApp();
  const [to, setTo] = useState(loc.query.get('to') ?? '');
  const [query, setQuery] = useState(to);
  const [message, setMessage] = useState('');
  const state = useLoad(async () => {
    const { items } = await api(`/api/outbox?limit=${SHOWN + 1}${query ? `&to=${encodeURIComponent(query)}` : ''}`, z.object({ items: z.array(OutboxMessage) }));
    return { items: items.slice(0, SHOWN), more: items.length > SHOWN };
  }, [query]);
  const action = useAction();
  const focusLater = useFocusLater();

  async function retry(m: Message) {
    setMessage('');
    const ok = await action.run(() => api(`/api/outbox/${encodeURIComponent(m.id)}/retry`, z.unknown(), { method: 'POST' }));
    if (ok !== undefined) {
      setMessage(`“${m.subject}” to ${m.to} will be sent again now.`);
      await state.reload();
      // "Retry now" goes once the message is queued again: the message saying so takes focus.
      focusLater(() => document.getElementById('outbox-status'));
    }
  }

  return (
    <>
      <PageHeading title="Mail" navigated={loc.navigated}>
        Mail
      </PageHeading>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(to.trim());
        }}
      >
        <TextField id="to" label="To (email address)" type="email" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        <div class="field field-action">
          <button type="submit" class="button">
            Show messages
          </button>
        </div>
      </form>
      <Status message={message} id="outbox-status" focusable />
      <ActionError action={action} />
      <Loaded state={state} what="the mail">
        {(d) =>
          d.items.length === 0 ? (
            <p>No messages{query ? ` to ${query}` : ''}.</p>
          ) : (
            <>
            {d.more && (
              <p id="outbox-more" class="notice">
                Only the newest {SHOWN} messages are listed{query ? ` to ${query}` : ''}; older ones are not shown here.{query ? '' : ' To find an older message, show the messages to its address.'}
              </p>
            )}
            <table class="stack">
              <caption>{d.more ? `The newest ${SHOWN} messages, newest first` : `Newest first: ${d.items.length === 1 ? '1 message' : `${d.items.length} messages`}`}</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">To</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Written</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((m) => {
                  const st = statusOf(m);
                  return (
                    <tr key={m.id}>
                      <th scope="row" data-label="Subject">
                        {m.subject || '(no subject)'}
                      </th>
                      <td data-label="To">{m.to}</td>
                      <td data-label="Status">
                        <Badge tone={st.tone}>{st.label}</Badge>
                        {m.sentAt && <> {formatDateTime(m.sentAt)}</>}
                      </td>
                      <td data-label="Attempts">{m.attempts}</td>
                      <td data-label="Last error">{m.lastError ?? 'None'}</td>
                      <td data-label="Written">{formatDateTime(m.createdAt)}</td>
                      <td data-label="Actions">
                        {m.status === 'pending' ? (
                          <ActionButton type="button" class="button button-secondary" busy={action.busy} busyLabel="Retrying…" onClick={() => void retry(m)} aria-label={`Retry now: ${m.subject} to ${m.to}`}>
                            Retry now
                          </ActionButton>
                        ) : (
                          'None'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            </>
          )
        }
      </Loaded>
    </>
  );
}
