/**
 * `/sessions/:id/register`: the trainer's in-person page. The check-in code and its QR code
 * (changing every minute) for attendees to scan (none for an online-only session, whose
 * attendance comes from the live room), and a register with a tick box per person
 * to correct attendance. Each row can also be corrected in full (attended, minutes present
 * and a note) and shows its history on demand; every correction is kept with who made it.
 * Its times are England's (the room the code is shown in), named, whatever the device's zone.
 */
import '../room.css';
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { AttendanceReport, AttendanceRow, CheckinCode, OverrideInput, RegisterHistory, type RegisterChange } from '../../../shared/attendance.js';
import { Mode } from '../../../shared/sessions.js';
import { api, ApiError } from '../api.js';
import { serverNow } from '../clock.js';
import { Alert, apiIssues, DownloadLink, FieldNotes, described, messageOf, PageHeading, Status, useApp, useFocusLater, TableScroll } from '../components.js';
import { attendanceNotYetRecorded, ENGLAND, formatDate, formatDateTime, formatTime, formatTimeRange, plural, seatLabel } from '../format.js';
import { ActionButton, ActionError, Loaded, Retry, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';

export const CODE_REFRESH_MS = 60_000;
const REGISTER_REFRESH_MS = 30_000;

type Code = z.infer<typeof CheckinCode>;
type Report = z.infer<typeof AttendanceReport>;

/** The server's limits for a correction (OverrideInput): whole minutes up to a day, a one-line note. */
const MAX_MINUTES = 24 * 60;
const MAX_NOTE = 500;
const MINUTES_LIMIT = `Minutes present must be a whole number from 0 to ${MAX_MINUTES} (24 hours), or left empty`;
const NOTE_LIMIT = `Note must be one line of at most ${MAX_NOTE} characters`;
/** No one is present longer than the session lasts: the server refuses it too. */
const longerThanSession = (lengthMinutes: number) => `Minutes present must be ${lengthMinutes} or fewer: the session is ${plural(lengthMinutes, 'minute')} long`;
/**
 * A trainer's figure entered before the session's times were corrected to a shorter session is
 * counted as the session's length (the server's minutesPresent, server/attendance/compute.ts):
 * said beside it, so the trainer knows their entry was read so, and can correct the row.
 */
const enteredAbove = (entered: number, lengthMinutes: number) => `entered as ${entered}: the session is now ${plural(lengthMinutes, 'minute')} long`;

/** The QR code as an image: the SVG text becomes a data: URL, never markup in the page. */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function CheckinCodePanel({ sessionId }: { sessionId: string }) {
  // When the code expires by this computer's clock: the time it has left by the server's
  // clock, from when it arrived. (A computer's clock may be minutes out: by its own reckoning a
  // fast one would find every code already expired and ask for the next every second.)
  const code = useLoad(
    () =>
      api(`/api/sessions/${encodeURIComponent(sessionId)}/checkin-code`, CheckinCode).then((c) => ({
        ...c,
        expiresHere: Date.now() + (Date.parse(c.expiresAt) - Date.parse(c.now)),
      })),
    [sessionId],
  );
  // A server without check-in codes says so; there is nothing to try again.
  const unsupported = code.error instanceof ApiError && code.error.status === 404 && code.error.code === 'not_found';
  // A refusal (the session was cancelled, or handed to other trainers) will not change by
  // asking again: it is said once, not retried every ten seconds as a failed connection is.
  const refused = !unsupported && code.error instanceof ApiError && code.error.status >= 400 && code.error.status < 500 && code.error.status !== 408 && code.error.status !== 429;
  const expiresAt = code.data?.expiresHere ?? 0;
  // The next code just after this one expires (and at least once a minute); after a failure, again in ten seconds.
  const ended = code.data?.checkin === 'closed' && !code.error;
  useEffect(() => {
    // Once check-in has closed for good there is no code to fetch again.
    if (code.loading || unsupported || refused || ended) return;
    const wait = code.error ? 10_000 : Math.min(CODE_REFRESH_MS, Math.max(1000, expiresAt - Date.now() + 500));
    const timer = setTimeout(() => void code.reload(), wait);
    return () => clearTimeout(timer);
  }, [code.loading, code.error, expiresAt, unsupported, refused, ended]);
  // The code shown stays up while the next one loads. Once it has expired and the next could
  // not be had, the failure is shown instead (with a way to try again), never a stale code.
  // Without a failure the server's code is shown whatever this computer's clock says.
  const stale = !!code.error && expiresAt <= Date.now();
  const current = code.data && !stale ? code.data : undefined;

  return (
    <section aria-labelledby="code-title" class="panel checkin-code-panel">
      <h2 id="code-title">Check-in code</h2>
      {unsupported ? (
        <p>This server does not show check-in codes. Use the register below.</p>
      ) : refused ? (
        // A cancelled session has nothing to record attendance of: the refusal is said alone.
        <p>
          {messageOf(code.error)}
          {code.error instanceof ApiError && code.error.code === 'session_cancelled' ? '' : ' Use the register below.'}
        </p>
      ) : (
        <>
          {code.error ? <Retry error={code.error} onRetry={() => void code.reload()} busy={code.loading} /> : null}
          {current ? current.checkin === 'open' ? <CodeView code={current} /> : <CheckinClosed code={current} /> : !code.error && <p>Loading the code…</p>}
        </>
      )}
    </section>
  );
}

/**
 * Outside the check-in window (the server refuses a check-in then) no code is shown: when it
 * opens, or that it has closed and the register is the way to record attendance now.
 */
function CheckinClosed({ code }: { code: Code }) {
  return code.checkin === 'not_yet' ? (
    <p class="checkin-closed">
      Check-in opens at {formatTime(code.opensAt, ENGLAND)} on {formatDate(code.opensAt, ENGLAND)}. The code will appear here then; it changes every minute.
    </p>
  ) : (
    <p class="checkin-closed">Check-in closed when the session ended at {formatTime(code.closesAt, ENGLAND)}. Use the register below to record who attended.</p>
  );
}

/** The code in large digits and as a QR code that opens the check-in page with it. */
function CodeView({ code }: { code: Code }) {
  return (
    <div class="checkin-code-body">
      <img class="checkin-qr" src={svgDataUrl(code.qrSvg)} alt={`QR code that opens the check-in page with code ${code.code.split('').join(' ')}`} />
      <div>
        <p class="checkin-code" aria-describedby="code-help">
          <span class="visually-hidden">Code: </span>
          {code.code}
        </p>
        <p id="code-help">
          Attendees scan the QR code with their phone, or go to <strong>{code.url.replace(/\?.*$/, '')}</strong> and type the code. It changes every minute; the page updates by itself.
        </p>
        <p class="muted">Changes at {formatTime(code.expiresAt, ENGLAND)}.</p>
      </div>
    </div>
  );
}

const sourceLabel: Record<AttendanceRow['source'], string> = {
  register: 'Register',
  livekit: 'Online room',
  checkin: 'Checked in',
  'livekit+checkin': 'Online room and check-in',
  client: 'Browser reports',
  none: '—',
};

/**
 * The register: `readOnly` for office staff who do not run the session, who see their own
 * organisation's people (the server's answer holds only those) and may download them, but
 * keep nothing: no ticks, corrections or history (the server refuses those to them).
 * `cancelled`: the session was cancelled. Cancelling takes every place still open with it, so
 * the register of one cancelled before it ended is empty, and says so; one that ended, had its
 * outcomes written and was then cancelled as not having taken place keeps those rows, shown
 * read only as its record from before (README: its register only while it holds records).
 */
function Register({ sessionId, readOnly = false, cancelled = false }: { sessionId: string; readOnly?: boolean; cancelled?: boolean }) {
  // Loaded now and every half minute; a refresh that fails keeps the register on screen.
  const report = useLoad(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance`, AttendanceReport), [sessionId], { everyMs: REGISTER_REFRESH_MS });
  const [saveError, setSaveError] = useState('');
  const [status, setStatus] = useState('');
  /** Ticks the trainer just gave, shown at once while they are saved (booking id -> attended). */
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());

  const setPendingFor = (id: string, v: boolean | null) =>
    setPending((cur) => {
      const next = new Map(cur);
      if (v === null) next.delete(id);
      else next.set(id, v);
      return next;
    });

  // One save at a time per row, the last tick winning: a tick given while one is being saved
  // is sent once it has been, so two quick presses never race (the second arriving first would
  // leave the register saying the opposite of the last press).
  const wanted = useRef(new Map<string, boolean>());
  const saving = useRef(new Set<string>());
  async function mark(row: AttendanceRow, attended: boolean) {
    const id = row.bookingId;
    wanted.current.set(id, attended);
    setPendingFor(id, attended);
    if (saving.current.has(id)) return; // the save under way sends this tick when it is done
    saving.current.add(id);
    setSaveError('');
    let sent: boolean | undefined;
    let saved: AttendanceRow | undefined;
    try {
      for (;;) {
        sent = wanted.current.get(id)!;
        saved = await api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance/${encodeURIComponent(id)}`, AttendanceRow, { method: 'PUT', body: { attended: sent } });
        if (wanted.current.get(id) !== sent) continue;
        await report.reload();
        if (wanted.current.get(id) === sent) break;
      }
      // A tick gives no minutes: when nothing else recorded their time, said, with how to give it.
      const noMinutes = sent && saved?.minutes === null ? ' No time in the room was recorded for them, so no minutes present are recorded: to give them, use Correct.' : '';
      setStatus(`${row.name} marked as ${sent ? 'attended' : 'not attended'}.${noMinutes}`);
    } catch (e) {
      setSaveError(`Could not change ${row.name}: ${messageOf(e)}`);
      await report.reload();
    } finally {
      saving.current.delete(id);
      wanted.current.delete(id);
      setPendingFor(id, null);
    }
  }

  return (
    <section aria-labelledby="register-title" class="panel">
      <h2 id="register-title">Register</h2>
      <Alert message={saveError} />
      <Status message={status} />
      <Loaded state={report} what="the register">
        {(r) => (
          <RegisterTable
            report={r}
            readOnly={readOnly || cancelled}
            office={readOnly}
            cancelled={cancelled}
            sessionId={sessionId}
            pending={pending}
            onMark={(row, attended) => void mark(row, attended)}
            onCorrected={async (message) => {
              setSaveError('');
              setStatus(message);
              await report.reload();
            }}
          />
        )}
      </Loaded>
      {/* Refused (403) once the session has been handed to other trainers. None for a cancelled session with no register (nor while that is not yet known). */}
      {!(cancelled && (report.data?.items.length ?? 0) === 0) && (
      <DownloadLink href={`/api/sessions/${encodeURIComponent(sessionId)}/attendance.csv`} fallbackName="attendance.csv">
        {readOnly ? 'Download your staff’s attendance (CSV)' : 'Download attendance (CSV)'}
      </DownloadLink>
      )}
    </section>
  );
}

const COLUMNS = 7;

/**
 * One row per booked person, each with a tick box for whether they attended, and two
 * disclosures opening a row below it: "Correct" (attended, minutes and a note) and "History"
 * (every change, loaded when opened).
 */
function RegisterTable({ report, readOnly, office, cancelled, sessionId, pending, onMark, onCorrected }: { report: Report; readOnly: boolean; office: boolean; cancelled: boolean; sessionId: string; pending: ReadonlyMap<string, boolean>; onMark: (row: AttendanceRow, attended: boolean) => void; onCorrected: (message: string) => Promise<void> }) {
  const rows = report.items;
  const attendedCount = rows.filter((r) => r.attended).length;
  /** Booking ids whose correction form, and whose history, is open. */
  const [correcting, setCorrecting] = useState<ReadonlySet<string>>(new Set());
  const [showing, setShowing] = useState<ReadonlySet<string>>(new Set());
  /** Corrections made here, per booking id: an open history loads again after each. */
  const [saves, setSaves] = useState<ReadonlyMap<string, number>>(new Map());
  const focusLater = useFocusLater();
  const toggle = (set: ReadonlySet<string>, id: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(id);
    else next.delete(id);
    return next;
  };
  /** Closes a row's form; focus goes back to its Correct button (the form it was in has gone). */
  const closeForm = (id: string) => {
    setCorrecting((cur) => toggle(cur, id, false));
    focusLater(() => document.getElementById(`correct-${id}`), { force: true });
  };
  // Before check-in opens no one can have come: the register lists who is booked, and says when it opens (the server refuses a tick before then).
  const opensAt = report.session.registerOpensAt;
  const open = serverNow() >= Date.parse(opensAt);
  const ended = serverNow() >= Date.parse(report.session.endsAt);
  const opening = open || cancelled ? null : readOnly ? (
    <p class="register-not-open">
      The register opens at {formatTime(opensAt, ENGLAND)} on {formatDate(opensAt, ENGLAND)}, when check-in and the live room do. Until then it lists who is booked.
    </p>
  ) : (
    <p class="register-not-open">
      The register opens at {formatTime(opensAt, ENGLAND)} on {formatDate(opensAt, ENGLAND)}, when check-in and the live room do: you can mark who attended from then. Until then it lists who is booked.
    </p>
  );
  // Ended, but its outcomes not yet written: what is shown may still change until then.
  const notYetRecorded = attendanceNotYetRecorded(report.session.endsAt);
  const recording = notYetRecorded && !cancelled && <p class="hint">{notYetRecorded}: until then this can still change.</p>;
  // No "yet" for a cancelled session: no one can book it, and every place on it went with it.
  // Office staff see only their own staff's rows: none of theirs does not mean the session has
  // no register (other schools' staff may have records, of a session cancelled after it was held).
  if (rows.length === 0 && cancelled) return <p>{office ? 'This session was cancelled: any places your staff had on it were cancelled with it, so there is no attendance of theirs to show.' : 'This session was cancelled, so it has no register: every place on it was cancelled with it.'}</p>;
  if (rows.length === 0) return <>{opening}<p>{readOnly ? 'None of your staff has a place on this session.' : 'No one is booked on this session yet.'}</p></>;
  return (
    <>
      {cancelled ? (
        <p>
          Its record from before it was cancelled, which can no longer be changed: {attendedCount} of {rows.length} attended.
        </p>
      ) : opening ?? (
        readOnly ? (
          <p>
            {attendedCount} of {rows.length} {ended ? 'attended' : 'attending so far'}. Attendance at least {Math.round(report.session.threshold * 100)}% of the session counts as attended.
          </p>
        ) : (
          <p>
            {attendedCount} of {rows.length} marked as attended. Tick a box to mark someone as attended, untick it to mark them as not attended; to give their minutes present or a note too, use Correct. A tick records no minutes: their minutes present are those the room and check-in recorded, or, when neither recorded any, none until you give them with Correct. Attendance at least {Math.round(report.session.threshold * 100)}% of the session counts as attended.
          </p>
        )
      )}
      {recording}
      <TableScroll label="Register">
        <table class="table register-table stack">
          <caption class="visually-hidden">Register: one row per booked person</caption>
          <thead>
            <tr>
              <th scope="col">Attended</th>
              <th scope="col">Name</th>
              <th scope="col">School</th>
              <th scope="col">Seat</th>
              <th scope="col">Minutes</th>
              <th scope="col">Recorded by</th>
              {!readOnly && <th scope="col">Changes</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const boxId = `attended-${r.bookingId}`;
              const isCorrecting = correcting.has(r.bookingId);
              const isShowing = showing.has(r.bookingId);
              return (
                <Fragment key={r.bookingId}>
                <tr>
                  <td data-label="Attended">
                    {readOnly ? (
                      open ? (r.attended ? 'Yes' : 'No') : 'Not yet open'
                    ) : open ? (
                      <>
                        <input type="checkbox" id={boxId} class="register-tick" checked={pending.get(r.bookingId) ?? r.attended} onChange={(e) => onMark(r, e.currentTarget.checked)} />
                        <label for={boxId} class="visually-hidden">
                          {r.name} attended
                        </label>
                      </>
                    ) : (
                      'Not yet open'
                    )}
                  </td>
                  <th scope="row">{r.name}</th>
                  <td data-label="School">{r.org ?? '—'}</td>
                  <td data-label="Seat">{seatLabel[r.seat]}</td>
                  {/* Until the end, what was worked out is so far only (a trainer's own figure stands as given). */}
                  <td data-label="Minutes">
                    {r.minutes === null || r.minutes === undefined ? 'not recorded' : !ended && !r.override ? `${r.minutes} so far` : r.minutes}
                    {r.override?.minutes != null && r.override.minutes > report.session.lengthMinutes && <> ({enteredAbove(r.override.minutes, report.session.lengthMinutes)})</>}
                  </td>
                  <td data-label="Recorded by">
                    {r.override ? (
                      <>
                        {entryWords(r)} {r.override.changedByName ?? 'a trainer'}, {formatDateTime(r.override.changedAt, ENGLAND)}
                        {r.override.note && <> (note: “{r.override.note}”)</>}
                        {r.attended && r.minutes === null && <> (no time in the room recorded: to give their minutes present, use Correct)</>}
                      </>
                    ) : (
                      sourceLabel[r.source]
                    )}
                  </td>
                  {!readOnly && (
                  <td data-label="Changes">
                    <div class="register-actions">
                      {open && (
                      <button type="button" id={`correct-${r.bookingId}`} class="button button-secondary" aria-expanded={isCorrecting ? 'true' : 'false'} aria-controls={isCorrecting ? `correct-form-${r.bookingId}` : undefined} onClick={() => setCorrecting((cur) => toggle(cur, r.bookingId, !isCorrecting))}>
                        Correct<span class="visually-hidden">: {r.name}</span>
                      </button>
                      )}
                      <button type="button" id={`history-${r.bookingId}`} class="button button-secondary" aria-expanded={isShowing ? 'true' : 'false'} aria-controls={isShowing ? `history-list-${r.bookingId}` : undefined} onClick={() => setShowing((cur) => toggle(cur, r.bookingId, !isShowing))}>
                        History<span class="visually-hidden">: {r.name}</span>
                      </button>
                    </div>
                  </td>
                  )}
                </tr>
                {isCorrecting && open && !readOnly && (
                  <tr class="register-more">
                    <td colSpan={COLUMNS}>
                      <CorrectionForm
                        sessionId={sessionId}
                        row={r}
                        lengthMinutes={report.session.lengthMinutes}
                        ended={serverNow() >= Date.parse(report.session.endsAt)}
                        onCancel={() => closeForm(r.bookingId)}
                        onSaved={async (message) => {
                          await onCorrected(message);
                          setSaves((cur) => new Map(cur).set(r.bookingId, (cur.get(r.bookingId) ?? 0) + 1));
                          closeForm(r.bookingId);
                        }}
                      />
                    </td>
                  </tr>
                )}
                {isShowing && !readOnly && (
                  <tr class="register-more">
                    <td colSpan={COLUMNS}>
                      <RowHistory sessionId={sessionId} row={r} lengthMinutes={report.session.lengthMinutes} version={saves.get(r.bookingId) ?? 0} />
                    </td>
                  </tr>
                )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/**
 * Who made a row's register entry, and what it was: a tick on the register (attended or not,
 * no minutes given) is "Marked present by" or "Marked absent by"; an entry giving minutes
 * present (Correct) is "Corrected by". A tick records no minutes of its own: the row's minutes
 * are then those the room and check-in recorded, or none (server/attendance/compute.ts,
 * combine: a trainer's tick says that someone attended, not for how long, and a training record
 * states no minutes it does not have), said beside it.
 */
function entryWords(r: AttendanceRow): string {
  if (r.override?.minutes != null) return 'Corrected by';
  return r.override?.attended ? 'Marked present by' : 'Marked absent by';
}

/** What a register entry says, in words: "attended, 45 minutes" or "not attended". */
function describeEntry(attended: boolean, minutes: number | null | undefined) {
  if (!attended) return minutes ? `not attended (${plural(minutes, 'minute')} present)` : 'not attended';
  return minutes === null || minutes === undefined ? 'attended, minutes not recorded' : `attended, ${plural(minutes, 'minute')}`;
}

type CorrectionErrors = { attended?: string; minutes?: string; note?: string };

/**
 * The checks OverrideInput makes, said for people (the server's limits: whole minutes from 0 to
 * 24 hours; a note of one line up to 500 characters), and that whether they attended was chosen
 * (`null`: neither was). Every field is sent, so the correction holds exactly what the form
 * shows: an empty minutes field sends null (the minutes are then worked out from the room and
 * check-ins: as observed, or not known), an empty note sends null (no note).
 */
function checkCorrection(name: string, attended: boolean | null, minutesText: string, noteText: string, lengthMinutes: number): { body?: OverrideInput; errors: CorrectionErrors } {
  const errors: CorrectionErrors = {};
  if (attended === null) errors.attended = `Choose whether ${name} attended`;
  const m = minutesText.trim();
  let minutes: number | null = null;
  if (m) {
    if (!/^\d+$/.test(m)) errors.minutes = 'Minutes present must be a whole number of minutes, such as 45, or left empty';
    else if (Number(m) > lengthMinutes) errors.minutes = longerThanSession(lengthMinutes);
    // A session of over a day: the server's own limit (OverrideInput), a day.
    else if (Number(m) > MAX_MINUTES) errors.minutes = `Minutes present must be ${MAX_MINUTES} (24 hours) or fewer`;
    else minutes = Number(m);
  }
  const note = noteText.trim();
  if (note.length > MAX_NOTE) errors.note = `Note must be ${MAX_NOTE} characters or fewer (it has ${note.length})`;
  else if (/[\u0000-\u001f\u007f]/.test(note)) errors.note = 'Note must be one line of ordinary text';
  if (attended === null || errors.minutes || errors.note) return { errors };
  const parsed = OverrideInput.safeParse({ attended, minutes, note: note || null });
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      if (i.path[0] === 'minutes') errors.minutes ??= MINUTES_LIMIT;
      else if (i.path[0] === 'note') errors.note ??= NOTE_LIMIT;
      else errors.attended ??= `Choose whether ${name} attended`;
    }
    return { errors };
  }
  return { body: parsed.data, errors };
}

/**
 * Correcting one register entry: attended or not, minutes present and an optional note.
 * It starts from the booking's correction when it has one. Without one it starts from what was
 * worked out only once the session has `ended`: before then almost nobody has reached the
 * threshold yet, so "did not attend" and the minutes so far would be saved as the record (a
 * correction wins over everything observed later). Then neither answer is chosen, and the
 * minutes are left empty (worked out from the room and check-ins).
 */
function CorrectionForm({ sessionId, row, lengthMinutes, ended, onSaved, onCancel }: { sessionId: string; row: AttendanceRow; lengthMinutes: number; ended: boolean; onSaved: (message: string) => Promise<void>; onCancel: () => void }) {
  const id = row.bookingId;
  const [attended, setAttended] = useState<boolean | null>(() => row.override?.attended ?? (ended ? row.attended : null));
  const [minutes, setMinutes] = useState(() => {
    // A correction's own minutes, empty included (worked out from the room): not the figure worked out, which saving would fix.
    // One entered above the session's length as its times are now starts at that length, as it is counted.
    const m = row.override ? (row.override.minutes === null ? null : Math.min(row.override.minutes, lengthMinutes)) : ended ? row.minutes : null;
    return m === null || m === undefined ? '' : String(m);
  });
  const [note, setNote] = useState(row.override?.note ?? '');
  // What the form opened with: a field left as it was is not sent (the server keeps what the
  // correction then holds), so a co-trainer's note or minutes saved meanwhile are not
  // overwritten by the copy this form opened with. Minutes entered above the session's length
  // count as what the correction held, so the length the field starts at is saved as shown.
  const [opened] = useState(() => ({ minutes: row.override?.minutes != null && row.override.minutes > lengthMinutes ? String(row.override.minutes) : minutes, note }));
  const [errors, setErrors] = useState<CorrectionErrors>({});
  const action = useAction();

  function focusFirstError(e: CorrectionErrors) {
    const first = e.attended ? `correct-yes-${id}` : e.minutes ? `minutes-${id}` : e.note ? `note-${id}` : null;
    if (first) document.getElementById(first)?.focus();
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (action.busy) return;
    const checked = checkCorrection(row.name, attended, minutes, note, lengthMinutes);
    setErrors(checked.errors);
    if (!checked.body) {
      // After the render that shows the messages, so the field is read with its error.
      setTimeout(() => focusFirstError(checked.errors));
      return;
    }
    const { minutes: sentMinutes, note: sentNote, ...always } = checked.body;
    const body = { ...always, ...(minutes !== opened.minutes ? { minutes: sentMinutes } : {}), ...(note !== opened.note ? { note: sentNote } : {}) };
    await action.run(async () => {
      try {
        const saved = await api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance/${encodeURIComponent(id)}`, AttendanceRow, { method: 'PUT', body });
        await onSaved(`${row.name}’s record corrected: ${describeEntry(saved.attended, saved.minutes)}${saved.override?.note ? `, with the note “${saved.override.note}”` : ''}.`);
      } catch (err) {
        // The server's own field checks, said by the field; anything else with Try again.
        const issues = apiIssues(err);
        if (issues.length) {
          const next: CorrectionErrors = {};
          for (const i of issues) {
            if (i.path === 'minutes') next.minutes = /session’s length/.test(i.message) ? longerThanSession(lengthMinutes) : MINUTES_LIMIT;
            else if (i.path === 'note') next.note = NOTE_LIMIT;
            else if (i.path === 'attended') next.attended = `Choose whether ${row.name} attended`;
          }
          if (next.attended || next.minutes || next.note) {
            setErrors(next);
            setTimeout(() => focusFirstError(next));
            return;
          }
        }
        throw err;
      }
    });
  }

  const minutesHint = `Whole minutes, from 0 to ${lengthMinutes}: the session is ${plural(lengthMinutes, 'minute')} long. Left empty, the minutes are worked out from the room and check-ins.`;
  const noteHint = `Optional: why the record was corrected, in one line of up to ${MAX_NOTE} characters. Kept with the change.`;
  return (
    <form id={`correct-form-${id}`} class="register-correct" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`correct-title-${id}`}>
      <h3 id={`correct-title-${id}`}>Correct {row.name}’s record</h3>
      <fieldset class={errors.attended ? 'field field-error' : 'field'} aria-describedby={errors.attended ? `correct-attended-${id}-error` : undefined}>
        <legend>Did {row.name} attend?</legend>
        <FieldNotes id={`correct-attended-${id}`} error={errors.attended} />
        <div class="radios">
          <div class="radio">
            <input type="radio" id={`correct-yes-${id}`} name={`correct-attended-${id}`} checked={attended === true} onChange={() => setAttended(true)} />
            <label for={`correct-yes-${id}`}>Attended</label>
          </div>
          <div class="radio">
            <input type="radio" id={`correct-no-${id}`} name={`correct-attended-${id}`} checked={attended === false} onChange={() => setAttended(false)} />
            <label for={`correct-no-${id}`}>Did not attend</label>
          </div>
        </div>
      </fieldset>
      <div class={errors.minutes ? 'field field-error' : 'field'}>
        <label for={`minutes-${id}`}>Minutes present</label>
        <FieldNotes id={`minutes-${id}`} hint={minutesHint} error={errors.minutes} />
        <input id={`minutes-${id}`} type="text" inputMode="numeric" autoComplete="off" class="input-minutes" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} {...described(`minutes-${id}`, minutesHint, errors.minutes)} />
      </div>
      <div class={errors.note ? 'field field-error' : 'field'}>
        <label for={`note-${id}`}>Note (optional)</label>
        <FieldNotes id={`note-${id}`} hint={noteHint} error={errors.note} />
        <input id={`note-${id}`} type="text" autoComplete="off" value={note} onInput={(e) => setNote(e.currentTarget.value)} {...described(`note-${id}`, noteHint, errors.note)} />
      </div>
      <ActionError action={action} />
      <div class="actions">
        <ActionButton busy={action.busy} busyLabel="Saving…">
          Save correction<span class="visually-hidden">: {row.name}</span>
        </ActionButton>
        <button type="button" class="button button-secondary" onClick={onCancel}>
          Cancel<span class="visually-hidden">: {row.name}</span>
        </button>
      </div>
    </form>
  );
}

/** Every change to one row, loaded when opened, and again after a correction here (`version`) or anyone's (a newer override). */
function RowHistory({ sessionId, row, lengthMinutes, version }: { sessionId: string; row: AttendanceRow; lengthMinutes: number; version: number }) {
  const { me } = useApp();
  const id = row.bookingId;
  const history = useLoad(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance/${encodeURIComponent(id)}/history`, RegisterHistory), [sessionId, id, version, row.override?.changedAt ?? '']);
  const who = (c: RegisterChange) => (c.changedBy === me.id ? `you (${me.name})` : (c.changedByName ?? 'an account since removed'));
  return (
    <div id={`history-list-${id}`} class="register-history">
      <h3 id={`history-title-${id}`}>Changes to {row.name}’s record</h3>
      <Loaded state={history} what={`the changes to ${row.name}’s record`}>
        {(h) =>
          h.items.length === 0 ? (
            <p>{row.source === 'none' ? 'No one has changed this record on the register, and nothing has been recorded for them yet.' : `No one has changed this record on the register: what it shows comes from “${sourceLabel[row.source]}”.`}</p>
          ) : (
            <ol class="register-changes" aria-labelledby={`history-title-${id}`}>
              {h.items.map((c, i) => {
                // Each change says the note it made: one kept from the change before (a tick keeps it) is not said again as this one's.
                const before = i > 0 ? h.items[i - 1]!.note : null;
                return (
                  <li key={`${c.changedAt}-${i}`}>
                    <time dateTime={c.changedAt}>{formatDateTime(c.changedAt, ENGLAND)}</time>: marked {describeEntry(c.attended, c.minutes)}, by {who(c)}.
                    {c.minutes !== null && c.minutes > lengthMinutes && <> The minutes are counted as {lengthMinutes}: the session’s times were corrected since, and it is now {plural(lengthMinutes, 'minute')} long.</>}
                    {c.note && c.note !== before && <> Note: “{c.note}”</>}
                    {!c.note && before && <> Note removed.</>}
                  </li>
                );
              })}
            </ol>
          )
        }
      </Loaded>
    </div>
  );
}

/**
 * Whom the register page is for, from the session's answer (`youRun`: its trainers, in-house
 * leads who still lead, administrators): `keeper` keeps it; `office` (office staff who do not
 * run it) sees their own organisation's people, read only; `none` may see nothing of it;
 * null while it is not known (not loaded, or a server that does not say).
 */
function readerOf(youRun: boolean | undefined, me: { role: string; orgId: string | null }): 'keeper' | 'office' | 'none' | null {
  if (youRun === undefined) return null;
  if (youRun) return 'keeper';
  return me.role === 'office' && me.orgId ? 'office' : 'none';
}

export function AttendanceRegisterPage({ id }: { id: string }) {
  const { loc, me } = useApp();
  const head = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, z.object({ title: z.string(), startsAt: z.string(), endsAt: z.string(), mode: Mode, youRun: z.boolean().optional(), status: z.enum(['scheduled', 'cancelled']).optional(), cancelReason: z.string().nullable().optional() })), [id]);
  const reader = head.data ? readerOf(head.data.youRun, me) : null;
  const cancelled = head.data?.status === 'cancelled';
  // The heading names the session once it is known; the panels below load on their own.
  const title = head.data ? `Register: ${head.data.title}` : 'Register';
  const when = head.data ? `${formatDate(head.data.startsAt, ENGLAND)}, ${formatTimeRange(head.data.startsAt, head.data.endsAt, ENGLAND)}` : '';
  return (
    <div class="register-page">
      <p class="back">
        <Link href={`/sessions/${encodeURIComponent(id)}`}>Back to the session</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      {when && <p class="lede">{when}</p>}
      {/* The session's name and time did not load: said, with Try again (the register below loads on its own). */}
      {!head.data && head.error && <Retry error={head.error} onRetry={() => void head.reload()} busy={head.loading} message={`The session’s name and time could not be loaded. ${messageOf(head.error)}`} />}
      {reader === 'none' ? (
        // Nothing below would be theirs to see: said once, with nothing the server would refuse.
        <p class="notice" id="register-refused">
          Only the session’s trainers and administrators can see its register, and school office staff their own staff’s attendance. You do not run this session, so there is nothing here for you.
        </p>
      ) : cancelled ? (
        // Cancelled: no check-in code and nothing to tick; said once, above what the register still holds.
        <>
          <p class="notice" id="register-cancelled">
            This session was cancelled.{head.data?.cancelReason ? ` Reason given: ${head.data.cancelReason}` : ''}
          </p>
          <Register sessionId={id} readOnly={reader === 'office'} cancelled />
        </>
      ) : reader === 'office' ? (
        <>
          <p>Only the session’s trainers can keep its register. Below is the attendance of your organisation’s staff on it, as the register records it.</p>
          <Register sessionId={id} readOnly />
        </>
      ) : (
        <>
          {/* An online-only session has no one to check in: its attendance comes from the live room. Shown once the mode is known (or could not be). */}
          {head.data?.mode === 'online' ? (
            <p>This session is online only, so there is no check-in code: attendance comes from the live room. Correct it in the register below.</p>
          ) : head.data || head.error ? (
            <CheckinCodePanel sessionId={id} />
          ) : null}
          {/* Once it is known whose register it is (or could not be): never the register first, to be replaced by a refusal. */}
          {(head.data || head.error) && <Register sessionId={id} />}
        </>
      )}
    </div>
  );
}
