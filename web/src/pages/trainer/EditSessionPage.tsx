import { useRef, useState } from 'preact/hooks';
import { CancelResult, Session } from '../../../../shared/sessions.js';
import { sameLines } from '../../../../shared/common.js';
import { api } from '../../api.js';
import { ConfirmButton, ErrorSummary, messageOf, PageHeading, Status, TextField, useApp, useFocusLater, type FieldError, PendingHeading } from '../../components.js';
import { plural } from '../../format.js';
import { ActionError, isRefusal, Loaded, useAction, useLoad } from '../../load.js';
import { Link } from '../../router.js';
import { apiFieldErrors, percentOf, SaveFailure, SessionFields, toInput, valuesOf, type SessionValues } from './SessionForm.js';
import { serverNow } from '../../clock.js';
import { AudienceField, audienceInput, type AudienceValue } from '../AudienceField.js';

/** The same people, in any order. */
const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));

/** Everyone a change of time or place is told to: booked, offered and waiting. */
export const peopleOf = (s: Session) => s.seats.inPerson.confirmed + s.seats.inPerson.offered + s.seats.inPerson.waitlisted + s.seats.online.confirmed + s.seats.online.offered + s.seats.online.waitlisted;

/** A trainer changes a session (saying first how many people a new time or place is told to), or cancels it. */
export function EditSessionPage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  return (
    <div class="narrow">
      <PendingHeading state={state} title="Edit session" navigated={loc.navigated} />
      <Loaded state={state} what="the session">
        {(s) => <EditForm key={s.id} s={s} navigated={loc.navigated} onChanged={state.set} reload={state.reload} />}
      </Loaded>
    </div>
  );
}

/**
 * A session that has ended can still be edited (its record corrected): what a change of its
 * times or attendance threshold does to its attendance record (attendance/service.ts
 * outcomesAfterSessionChange), said before the form.
 */
function EndedNotice() {
  return (
    <div class="notice notice-warning" id="ended-notice">
      <h2>This session has ended</h2>
      <p>Changing its times or attendance threshold changes its attendance record:</p>
      <ul>
        <li>with times still in the past, who attended is worked out again from the new times and threshold;</li>
        <li>moved to a time not yet over, the attended and absent outcomes are undone and everyone is booked again and told of the change;</li>
        <li>moved to times that have not begun, its register, check-ins, connections and captions so far are also cleared: that is refused once anyone has attended, since it is the record of their training (publish a new session to run it again).</li>
      </ul>
      <p>Other changes leave the record as it is.</p>
    </div>
  );
}

function EditForm({ s, navigated, onChanged, reload }: { s: Session; navigated: boolean; onChanged: (s: Session) => void; reload: () => Promise<void> }) {
  /** A save that failed for a reason about no field (the network, the service): said above Save, with whether those on it were asked about and agreed to telling them. */
  const [failure, setFailure] = useState<{ error: unknown; told: boolean } | null>(null);
  // Who runs it is chosen here too: an administrator from every trainer; a trainer or in-house lead adds co-trainers and stays on it.
  const [values, setValues] = useState<SessionValues>(valuesOf(s));
  // Who it is for, changed here as when it was published (the server refuses leaving anyone on it outside).
  const [audience, setAudienceState] = useState<AudienceValue>({ kind: s.audience.kind, orgId: s.audience.orgId ?? '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  // Asking before a save that emails people: how many, and whether for a new time or place (everyone booked or waiting) or new invite text (seat holders).
  const [confirming, setConfirming] = useState<{ people: number; moved: boolean } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useAction();
  const confirmRef = useRef<HTMLDivElement>(null);
  const saveRef = useRef<HTMLButtonElement>(null);
  const focusLater = useFocusLater();
  const set = (patch: Partial<SessionValues>) => {
    setConfirming(null);
    // A change after a failed save is a new save: "Try again" would repeat the old one.
    setFailure(null);
    setValues((v) => ({ ...v, ...patch }));
  };
  const people = peopleOf(s);

  async function save(e: Event | null, told: boolean) {
    e?.preventDefault();
    if (busy) return;
    setStatus('');
    setFailure(null);
    const { input, errors: found } = toInput(values);
    const who = audienceInput(audience);
    const audienceChanged = audience.kind !== s.audience.kind || (audience.kind !== 'programme' && audience.orgId !== (s.audience.orgId ?? ''));
    if ('field' in who) found.push(who);
    setErrors(found);
    if (!input || found.length) return;
    const venue = input.mode === 'online' ? null : (input.venue ?? null);
    // The rule the server tells people by: a new time, venue or mode.
    const moved = Date.parse(input.startsAt) !== Date.parse(s.startsAt) || Date.parse(input.endsAt) !== Date.parse(s.endsAt) || venue !== s.venue || input.mode !== s.mode;
    // A new title, description or zone changes the invite in each seat holder's calendar: they are sent its new version (not once the session is over).
    const retitled = input.title !== s.title || sameLines(input.description) !== sameLines(s.description) || (input.timeZone !== undefined && input.timeZone !== s.timeZone);
    const seated = s.seats.inPerson.confirmed + s.seats.online.confirmed;
    const toTell = moved ? people : retitled && Date.parse(s.endsAt) > serverNow() ? seated : 0;
    if (toTell > 0 && !told) {
      setConfirming({ people: toTell, moved });
      // The question takes focus once drawn, also from a field Enter was pressed in (so forced).
      focusLater(confirmRef, { force: true });
      return;
    }
    setBusy(true);
    try {
      const { trainerIds, courseId, roomKind, attendanceThreshold, offerHoldMinutes, ...patch } = input;
      // The course and trainers are sent only when they changed (changing either checks who may run the course's sessions);
      // the room, attendance needed and offer hold too, so a save that leaves them records no change to them.
      const changed = {
        ...((courseId ?? null) !== s.courseId ? { courseId: courseId ?? null } : {}),
        ...(trainerIds && !sameIds(trainerIds, s.trainerIds) ? { trainerIds } : {}),
        ...(roomKind && roomKind !== s.roomKind ? { roomKind } : {}),
        ...(attendanceThreshold !== undefined && percentOf(attendanceThreshold) !== percentOf(s.attendanceThreshold) ? { attendanceThreshold } : {}),
        ...(offerHoldMinutes !== undefined && offerHoldMinutes !== s.offerHoldMinutes ? { offerHoldMinutes } : {}),
        ...(audienceChanged && !('field' in who) ? { audience: who } : {}),
      };
      const saved = await api(`/api/sessions/${encodeURIComponent(s.id)}`, Session, { method: 'PATCH', body: { ...patch, ...changed, venue, description: input.description ?? '' } });
      setConfirming(null);
      focusLater(saveRef);
      onChanged(saved);
      setValues(valuesOf(saved));
      setAudienceState({ kind: saved.audience.kind, orgId: saved.audience.orgId ?? '' });
      setStatus(toTell > 0 ? `Changes saved. ${plural(toTell, 'person has', 'people have')} been told.` : 'Changes saved.');
    } catch (err) {
      setConfirming(null);
      focusLater(saveRef);
      const beside = apiFieldErrors(err);
      if (beside) setErrors(beside);
      else if (isRefusal(err)) {
        // Cancelled (or otherwise changed) meanwhile: said in the page's status, which takes
        // focus, and the page shows the session as it now is (a cancelled one has no form).
        setStatus(messageOf(err));
        focusLater(() => document.getElementById('edit-status'), { force: true });
        void reload();
      } else setFailure({ error: err, told });
    } finally {
      setBusy(false);
    }
  }

  async function doCancel() {
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await cancel.run(async () => {
      const r = await api(`/api/sessions/${encodeURIComponent(s.id)}/cancel`, CancelResult, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} });
      onChanged(r);
      // The form and this section go (a cancelled session cannot be changed): the message takes focus.
      focusLater(() => document.getElementById('edit-status'));
      setStatus(`Session cancelled. ${plural(r.told, 'person has', 'people have')} been told.`);
    });
  }

  const title = `Edit: ${s.title}`;
  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      <p class="back">
        <Link href="/trainer/sessions">Back to my sessions</Link>
      </p>
      <Status message={status} id="edit-status" focusable />
      {s.status === 'cancelled' ? (
        <p>This session has been cancelled, so it can no longer be changed.</p>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          {Date.parse(s.endsAt) <= serverNow() ? <EndedNotice /> : null}
          <form onSubmit={(e) => save(e, false)} noValidate>
            <SessionFields values={values} set={set} errors={errors} sessionId={s.id} />
            <AudienceField value={audience} onChange={(v) => { setConfirming(null); setFailure(null); setAudienceState(v); }} errors={errors} chosenName={s.audience.orgId && s.audience.orgName ? { orgId: s.audience.orgId, name: s.audience.orgName } : undefined} />
            {confirming !== null ? (
              <div class="confirm" role="group" aria-labelledby="tell-question" ref={confirmRef} tabIndex={-1}>
                <p id="tell-question">
                  {confirming.moved
                    ? `This changes the time or place. ${plural(confirming.people, 'person', 'people')} booked or waiting will be told by email, with an updated calendar invite. Save and tell them?`
                    : `This changes what the calendar invite says. ${plural(confirming.people, 'person', 'people')} with a seat will be sent the updated invite by email. Save and tell them?`}
                </p>
                <div class="actions">
                  <button type="button" class="button" onClick={() => save(null, true)} aria-disabled={busy ? 'true' : undefined}>
                    {busy ? 'Saving…' : `Save and tell ${plural(confirming.people, 'person', 'people')}`}
                  </button>
                  <button
                    type="button"
                    class="button button-secondary"
                    onClick={() => {
                      setConfirming(null);
                      focusLater(saveRef);
                    }}
                  >
                    Keep editing
                  </button>
                </div>
              </div>
            ) : (
              <>
                <SaveFailure error={failure?.error ?? null} busy={busy} onRetry={() => void save(null, failure?.told ?? false)} />
                <button ref={saveRef} type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
                  {busy ? 'Saving…' : 'Save changes'}
                </button>
              </>
            )}
          </form>
          <section class="panel" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel this session</h2>
            <p>Everyone booked, offered a seat or waiting ({plural(people, 'person', 'people')}) is told, with the reason you give.</p>
            <TextField id="cancel-reason" label="Reason (sent to everyone; optional)" maxLength={500} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
            {/* "Try again" ends where a first cancel does: on the message saying so. */}
            <ActionError action={cancel} focusTo={() => document.getElementById('edit-status')} />
            <ConfirmButton
              label="Cancel this session"
              question={`Cancel “${s.title}”? ${plural(people, 'person', 'people')} will be told. This cannot be undone.`}
              confirmLabel="Yes, cancel the session"
              keepLabel="No, keep it"
              busy={cancel.busy}
              onConfirm={() => void doCancel()}
            />
          </section>
        </>
      )}
    </>
  );
}
