import { useState } from 'preact/hooks';
import { MessageAttendeesInput, MessageAttendeesResult } from '../../../../shared/bookings.js';
import { Session } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { described, ErrorSummary, Field, errorFor, lengthHint, PageHeading, Status, tooLongError, useApp, type FieldError, PendingHeading } from '../../components.js';
import { plural } from '../../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad, useSubmissionKey } from '../../load.js';
import { Link } from '../../router.js';
import { peopleOf } from './EditSessionPage.js';
import { serverNow } from '../../clock.js';

/** The longest message, in characters: the service's schema's own (a pasted text is not cut short to it, but refused with a word). */
const MAX_MESSAGE_CHARS = MessageAttendeesInput.shape.text.in.maxLength!;

/**
 * A trainer writes to everyone booked on a session (and, if chosen, those waiting); each gets
 * it once, by email. After the session it is a follow-up to those who had a place (attended
 * or not), never to those who were waiting; a cancelled session's people were told then, and
 * it cannot be messaged.
 */
export function MessagePage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  return (
    <div class="narrow">
      <PendingHeading state={state} title="Message attendees" navigated={loc.navigated} />
      <Loaded state={state} what="the session">
        {(s) => <MessageForm s={s} navigated={loc.navigated} />}
      </Loaded>
    </div>
  );
}

function MessageForm({ s, navigated }: { s: Session; navigated: boolean }) {
  const [text, setText] = useState('');
  const [includeWaiting, setIncludeWaiting] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sent, setSent] = useState('');
  const action = useAction();
  /** "Try again" after an answer that never came emails everyone once: the same message goes with the same Idempotency-Key. */
  const submission = useSubmissionKey();
  // Over, it is written to those who had a place (counted as booked, attended or absent); an offer did not outlast its start.
  const ended = Date.parse(s.endsAt) <= serverNow();
  const booked = s.seats.inPerson.confirmed + s.seats.online.confirmed + (ended ? 0 : s.seats.inPerson.offered + s.seats.online.offered);
  const waiting = peopleOf(s) - s.seats.inPerson.confirmed - s.seats.inPerson.offered - s.seats.online.confirmed - s.seats.online.offered;
  const title = `Message attendees: ${s.title}`;

  async function submit(e: Event) {
    e.preventDefault();
    setSent('');
    const tooLong = tooLongError('Message', text, MAX_MESSAGE_CHARS);
    if (tooLong) return setErrors([{ field: 'message', message: tooLong }]);
    const parsed = MessageAttendeesInput.safeParse({ text, includeWaiting: includeWaiting && !ended });
    if (!parsed.success) return setErrors([{ field: 'message', message: `Write a message (up to ${MAX_MESSAGE_CHARS.toLocaleString('en-GB')} characters)` }]);
    setErrors([]);
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await action.run(async () => {
      const path = `/api/sessions/${encodeURIComponent(s.id)}/messages`;
      const r = await submission.keyed({ path, body: parsed.data }, (idempotencyKey) => api(path, MessageAttendeesResult, { method: 'POST', body: parsed.data, idempotencyKey }));
      setText('');
      setSent(`Message sent to ${plural(r.told, 'person', 'people')}.`);
    });
  }

  const error = errorFor(errors, 'message');
  const hint = lengthHint(text, MAX_MESSAGE_CHARS, { always: true });
  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href="/trainer/sessions">Back to my sessions</Link>
      </p>
      {s.status === 'cancelled' ? (
        <p class="notice notice-warning">
          <strong>This session has been cancelled, so it can no longer be messaged: everyone on it was told when it was cancelled.</strong>
        </p>
      ) : (
        <>
          {ended ? (
            <p>
              This session has ended: a follow-up goes to the {plural(booked, 'person', 'people')} who had a place (attended or not), each once by email, with a link to their booking. People who were waiting are not written to.
            </p>
          ) : (
            <p>
              It is emailed to each person once, with the session’s time, place and a link to their booking. {plural(booked, 'person', 'people')} booked, {waiting} waiting.
            </p>
          )}
          <Status message={sent} />
          <ErrorSummary errors={errors} />
          <form onSubmit={submit} noValidate>
            <Field id="message" label="Message" hint={hint} error={error}>
              <textarea id="message" rows={8} value={text} {...described('message', hint, error)} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
            </Field>
            {/* Offered only when someone is waiting: "the 0 people waiting" is no choice. */}
            {!ended && waiting > 0 && (
              <div class="field checkbox">
                <input type="checkbox" id="include-waiting" checked={includeWaiting} onChange={(e) => setIncludeWaiting((e.currentTarget as HTMLInputElement).checked)} />
                <label for="include-waiting">Also send it to the {plural(waiting, 'person', 'people')} waiting</label>
              </div>
            )}
            {/* "Try again" ends where a first send does: on "Send message", which stays. */}
            <ActionError action={action} focusTo={() => document.getElementById('send-message')} />
            <ActionButton id="send-message" busy={action.busy} busyLabel="Sending…">
              Send message
            </ActionButton>
          </form>
        </>
      )}
    </>
  );
}
