import { useEffect, useRef, useState } from 'preact/hooks';
import { FeedUrl } from '../../../shared/calendar.js';
import { api, ApiError } from '../api.js';
import { Alert, ConfirmButton, LoadError, messageOf, PageHeading, Status, useApp } from '../components.js';

/** Copies text with the Clipboard API, or by selecting the field and the older copy command. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the older way */
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/** "Subscribe to my calendar": the private feed address and a one-click copy. */
export function CalendarPage() {
  const { loc } = useApp();
  const [feed, setFeed] = useState<FeedUrl | null>(null);
  const [rotateError, setRotateError] = useState('');
  const [busy, setBusy] = useState(false);
  const url = feed?.url ?? null;
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [rotateStatus, setRotateStatus] = useState('');
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api('/api/me/calendar', FeedUrl).then(
      (r) => setFeed(r),
      (e) => setError(e instanceof ApiError && e.status === 404 ? new ApiError(404, 'not_found', 'Calendar subscriptions are not available yet. Please try again later.') : e),
    );
  }, []);

  async function copy() {
    if (!url) return;
    // Clear first so the same message is announced again on a second copy.
    setStatus('');
    const ok = await copyText(url, field.current);
    setStatus(ok ? 'Copied the calendar address.' : 'Could not copy automatically. The address is selected: press Control and C (or Command and C) to copy it.');
    if (!ok) field.current?.select();
  }

  async function rotate() {
    if (busy) return;
    setBusy(true);
    setRotateError('');
    setRotateStatus('');
    setStatus('');
    try {
      setFeed(await api('/api/me/calendar/rotate', FeedUrl, { method: 'POST' }));
      setRotateStatus('You have a new calendar address. The old one has stopped working: subscribe again with the new one.');
      field.current?.focus();
    } catch (e) {
      setRotateError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeading title="Subscribe to my calendar" navigated={loc.navigated}>
        Subscribe to my calendar
      </PageHeading>
      <p>Add this private address to Outlook, Google Calendar or Apple Calendar as a subscription. Your bookings then appear in your calendar and follow every change, including cancellations.</p>
      <p>Keep the address to yourself: anyone who has it can see your bookings.</p>
      {error ? (
        <LoadError error={error} />
      ) : !url ? (
        <p>Loading your calendar address…</p>
      ) : (
        <div class="copy-field">
          <div class="field">
            <label for="feed-url">Your calendar address</label>
            <p class="hint" id="feed-url-hint">
              Read only. Use the Copy button, then paste it into your calendar’s “subscribe” or “add from URL” option.
            </p>
            <input ref={field} id="feed-url" type="text" readOnly value={url} aria-describedby="feed-url-hint" spellcheck={false} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
          </div>
          <div class="actions">
            <button type="button" class="button" onClick={copy}>
              Copy address
            </button>
            <a class="button button-secondary" href={feed!.webcalUrl}>
              Open in my calendar app
            </a>
          </div>
          <Status message={status} />
          <h2>If someone else has the address</h2>
          <p>Make a new address. The old one stops working at once, in every calendar that uses it.</p>
          <ConfirmButton label="Make a new address" question="Make a new address? Calendars subscribed with the old one will stop updating until you subscribe again." confirmLabel="Yes, make a new address" keepLabel="Keep the current address" busy={busy} onConfirm={rotate} variant="secondary" />
        </div>
      )}
      <Alert message={rotateError} />
      <Status message={rotateStatus} />
    </>
  );
}
