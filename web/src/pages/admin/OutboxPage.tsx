import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { OutboxCursor, OutboxMessage, OutboxPage as OutboxPageSchema } from '../../../../shared/bookings.js';
import { api } from '../../api.js';
import { Badge, PageHeading, Status, TextField, useApp, useFocusLater, TableScroll } from '../../components.js';
import { counted, formatDateTime } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { KeysetPagination } from '../../pagination.js';
import { navigate } from '../../router.js';

type Message = z.infer<typeof OutboxMessage>;

/** pending with an error is a failed attempt waiting for its next try. */
function statusOf(m: Message): { label: string; tone: string } {
  if (m.status === 'sent') return { label: 'Sent', tone: 'confirmed' };
  if (m.status === 'local') return { label: 'Kept in the local outbox (no mail server set)', tone: 'offered' };
  if (m.status === 'dropped') return { label: 'Not sent: it no longer applied', tone: 'cancelled' };
  if (m.lastError) return { label: 'Failed, will be tried again', tone: 'cancelled' };
  return { label: 'Waiting to be sent', tone: 'waitlisted' };
}

/**
 * Whether "Retry now" does anything for a message: one that failed and waits out its backoff
 * (pending after an attempt). A message not tried yet is due already (written due at once),
 * and the next delivery round sends it: POST /api/outbox/:id/retry would only make it due
 * again, behind messages written after it.
 */
const retryable = (m: Message) => m.status === 'pending' && m.attempts > 0;

/** How many messages a page lists. */
const PAGE = 100;

/**
 * The page's address: `/admin/mail`, with `to` and `before` (the cursor of where the page
 * starts: older than the message it names) when given. A new search starts at the newest.
 */
function mailHref(to: string, before = '') {
  const p = new URLSearchParams();
  if (to) p.set('to', to);
  if (before) p.set('before', before);
  return p.size ? `/admin/mail?${p}` : '/admin/mail';
}

/**
 * Administrators: every message the service sends, newest first, 100 a page, found by any
 * part of its address (both kept in the address, `?to=&before=`); its status, attempts and
 * last error, and "retry now". Older pages are asked for by cursor, older than the last
 * message shown, so mail written while the pages are turned (it always is) neither repeats a
 * message on the next page nor hides one: its count says how many it shows of how many in all.
 */
export function OutboxPage() {
  const { loc } = useApp();
  const query = (loc.query.get('to') ?? '').trim().slice(0, 254);
  // A cursor this list could not have given (an edited or cut-short link) is the newest page,
  // as an old link's `?page=` is.
  const asked = loc.query.get('before') ?? '';
  const before = asked && OutboxCursor.safeParse(asked).success ? asked : '';
  const [to, setTo] = useState(query);
  const [message, setMessage] = useState('');
  /** The messages whose text is shown ("Read"), by id. */
  const [reading, setReading] = useState<ReadonlySet<string>>(new Set());
  const toggleReading = (id: string) =>
    setReading((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  // The page in view stays while the next loads: it carries the search and cursor it was found
  // for, so its count describes it, not the one still loading.
  const state = useLoad(async () => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (query) params.set('to', query);
    if (before) params.set('before', before);
    const found = await api(`/api/outbox?${params}`, OutboxPageSchema);
    return { ...found, asked: { query, before } };
  }, [query, before]);
  const action = useAction();
  const focusLater = useFocusLater();
  /** The message last retried: "Try again" ends on its "Retry now", or on the message saying so, as a first "Retry now" does. */
  const retried = useRef('');
  // The page is kept while its pages turn and its searches change the address (its route is
  // keyed by path): the field follows the address (Back, Forward), and "will be sent again"
  // is about the page it was said on.
  useEffect(() => setTo(query), [query]);
  useEffect(() => {
    setMessage('');
    action.clear();
  }, [query, before]);

  async function retry(m: Message) {
    setMessage('');
    retried.current = m.id;
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await action.run(async () => {
      await api(`/api/outbox/${encodeURIComponent(m.id)}/retry`, z.unknown(), { method: 'POST' });
      setMessage(`“${m.subject}” to ${m.to} will be sent again now.`);
      await state.reload();
      // Should "Retry now" have gone (the message no longer waiting when the list is read again),
      // the message saying it will be sent takes focus; while it still waits, focus stays on it.
      focusLater(() => document.getElementById('outbox-status'));
    }, { for: m.id });
  }

  const d = state.data;
  const toWhom = d?.asked.query ? ` to addresses containing “${d.asked.query}”` : '';
  // True whatever was written since: how many this page shows, of how many there are now.
  const count = !d
    ? ''
    : d.total === 0
      ? `No messages${toWhom}.`
      : !d.asked.before
        ? `Showing ${d.items.length.toLocaleString('en-GB')} of ${counted(d.total, 'message')}${toWhom}, newest first.`
        : d.items.length === 0
          ? `There are no older messages${toWhom}: ${counted(d.total, 'message')} in all.`
          : `Showing ${counted(d.items.length, 'older message')}, of ${d.total.toLocaleString('en-GB')}${toWhom || ' in all'}, newest first.`;
  const pagination = (where?: string) =>
    d && (
      <KeysetPagination
        label={where ? `Pages of messages, ${where} the table` : 'Pages of messages'}
        first={d.asked.before ? mailHref(d.asked.query) : null}
        firstLabel="Newest messages"
        next={d.next ? mailHref(d.asked.query, d.next) : null}
        nextLabel="Older messages"
        resultsId="outbox-count"
      />
    );

  return (
    <>
      <PageHeading title={before ? 'Mail, older messages' : 'Mail'} navigated={loc.navigated}>
        Mail
      </PageHeading>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(mailHref(to.trim()));
        }}
      >
        <TextField id="to" label="To (an email address, or any part of one)" type="search" spellcheck={false} maxLength={254} value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        <div class="field field-action">
          <button type="submit" class="button">
            Show messages
          </button>
        </div>
      </form>
      <Status message={message} id="outbox-status" focusable />
      <ActionError action={action} focusTo={() => document.getElementById(`retry-${retried.current}`) ?? document.getElementById('outbox-status')} />
      {/* In the page before the messages load, so the count is read out when it arrives; turning a page focuses it. */}
      <p role="status" class="count" id="outbox-count" tabIndex={-1}>
        {count}
      </p>
      <Loaded state={state} what="the mail">
        {(d) =>
          d.items.length === 0 ? (
            pagination()
          ) : (
            <>
            {/* Above the table too: a keyboard user need not pass a hundred rows to turn the page. */}
            {pagination('above')}
            <TableScroll label="Messages">
              <table class="stack">
                <caption class="visually-hidden">Messages{toWhom}, newest first</caption>
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
                    const open = reading.has(m.id);
                    return (
                      <Fragment key={m.id}>
                      <tr>
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
                          {/* A disclosure: pressed, the message's text shows in the row below, next in reading and Tab order. */}
                          <button type="button" id={`read-${m.id}`} class="button button-secondary" aria-expanded={open ? 'true' : 'false'} aria-controls={open ? `text-${m.id}` : undefined} aria-label={`Read: ${m.subject || '(no subject)'} to ${m.to}`} onClick={() => toggleReading(m.id)}>
                            Read
                          </button>
                          {retryable(m) && (
                            <>
                              {' '}
                              <ActionButton id={`retry-${m.id}`} type="button" class="button button-secondary" busy={action.busyFor(m.id)} blocked={action.busy} busyLabel="Retrying…" onClick={() => void retry(m)} aria-label={`Retry now: ${m.subject} to ${m.to}`}>
                                Retry now
                              </ActionButton>
                            </>
                          )}
                        </td>
                      </tr>
                      {/* What the message says, as sent (its plain text; a link in it wraps rather than widen the page), while "Read" is pressed. */}
                      {open && (
                        <tr id={`text-${m.id}`}>
                          <td colSpan={7}>
                            <div class="panel">
                              <p class="visually-hidden">What “{m.subject || '(no subject)'}” to {m.to} says:</p>
                              <p class="prose break">{m.text}</p>
                            </div>
                          </td>
                        </tr>
                      )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
            {pagination('below')}
            </>
          )
        }
      </Loaded>
    </>
  );
}
