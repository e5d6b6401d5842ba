import { useMemo, useRef, useState } from 'preact/hooks';
import { AREAS, CancelResult, CancelSessionInput, Session, type AudienceInput, type CreateSessionInput, type UpdateSessionInput } from '../../../../shared/sessions.js';
import { sameLines } from '../../../../shared/common.js';
import { api } from '../../api.js';
import { ConfirmButton, ConflictSummary, ErrorSummary, lengthHint, messageOf, PageHeading, Status, TextField, toFieldErrors, tooLongError, useApp, useFocusLater, type FieldError, PendingHeading } from '../../components.js';
import { formatLongDay, listOf, modeLabel, plural, repeatedTime } from '../../format.js';
import { ActionError, isRefusal, Loaded, useAction, useLoad } from '../../load.js';
import { Link } from '../../router.js';
import { AttendanceReport } from '../../../../shared/attendance.js';
import { apiFieldErrors, endDay, occurrenceOf, PastCutOffQuestion, pastDays, PastStartQuestion, SaveFailure, SessionFields, toInput, valuesOf, withCutOffMoved, type PastDay, type SessionValues } from './SessionForm.js';
import { serverNow } from '../../clock.js';
import { AudienceField, audienceInput, type AudienceValue } from '../AudienceField.js';

/** The longest reason for cancelling, in characters: the service's schema's own (a pasted text is refused with a word, not cut short). */
const MAX_CANCEL_REASON_CHARS = CancelSessionInput.shape.reason.unwrap().maxLength!;

/** What the service would refuse in a reason for cancelling (its shared schema), in the field's words; undefined for one it takes. */
function cancelReasonProblem(reason: string): string | undefined {
  const parsed = CancelSessionInput.safeParse(reason.trim() ? { reason } : {});
  if (parsed.success) return undefined;
  // Too long is said with how much to shorten it by; anything else (control characters) as the schema says it.
  return tooLongError('Reason', reason, MAX_CANCEL_REASON_CHARS) ?? toFieldErrors(parsed.error.issues, { reason: { id: 'cancel-reason', label: 'Reason' } }, { id: 'cancel-reason', label: 'Reason' })[0]?.message ?? 'Reason cannot be sent as it is: shorten or retype it';
}

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
        {(s) => (s.youRun === false ? <NotYours s={s} navigated={loc.navigated} /> : <EditForm key={s.id} s={s} navigated={loc.navigated} onChanged={state.set} reload={state.reload} />)}
      </Loaded>
    </div>
  );
}

/**
 * A session the viewer does not run (the server's `youRun`: not its trainer, nor an in-house
 * lead of it who still leads, nor an administrator): it says so first, with no form, no
 * cancelling and nothing of who is booked, since the server refuses any change from them.
 */
function NotYours({ s, navigated }: { s: Session; navigated: boolean }) {
  const title = `Edit: ${s.title}`;
  return (
    <>
      <PageHeading title={title} navigated={navigated}>
        {title}
      </PageHeading>
      <p class="notice" id="not-yours">
        Only the session’s trainers, or an administrator, can edit or cancel this session. You do not run it, so there is nothing here for you to change. If you should be running it, ask one of its trainers or an administrator to add you.
      </p>
      <ul class="plain actions">
        <li>
          <Link href={`/sessions/${encodeURIComponent(s.id)}`}>Back to the session</Link>
        </li>
        <li>
          <Link href="/trainer/sessions">Back to my sessions</Link>
        </li>
      </ul>
    </>
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

/** The form as a whole: the session's fields, and who it is for. */
interface Form {
  v: SessionValues;
  a: AudienceValue;
}
const formOf = (s: Session): Form => ({ v: valuesOf(s), a: { kind: s.audience.kind, orgId: s.audience.orgId ?? '' } });

/** What a PATCH may carry (UpdateSessionInput takes any of them, each alone). */
type Patch = Omit<UpdateSessionInput, 'capacity'> & { capacity?: { inPerson?: number; online?: number } };

/**
 * One thing the form changes on a session, made of one or more of its values. The page sends
 * only the parts the trainer changed (compared with the session as the page loaded it), so
 * a part someone else changed meanwhile is left as they left it; a part both changed is a
 * conflict, which is not saved (see `save`). A save that leaves a part as it was records no
 * change to it (and a course or trainers left alone are not checked again against who may run it).
 */
interface Part {
  /** As the form labels it. */
  label: string;
  /** As a sentence names it ("the venue"). */
  name: string;
  /** The form's values it is made of: kept, or replaced by someone else's, together. */
  keys: (keyof SessionValues)[];
  /** Its value, comparable: the same for the same session however it was typed. */
  of: (f: Form) => string;
  /** The field a link to it goes to, in the form as it is shown. */
  field: (f: Form) => string;
  /** Its value in words ("16:00 to 17:30 on …"), or null when it has none short enough to say. */
  words: (f: Form) => string | null;
  /** Puts what it is into the PATCH's body, from the form's checked input. */
  send: (input: CreateSessionInput, who: AudienceInput, body: Patch) => void;
}

const same = (text: string) => sameLines(text).normalize('NFC').trim();
const numberIn = (text: string) => (text.trim() === '' ? '' : String(Number(text.trim())));
const zoneOf = (v: SessionValues) => v.timeZone.trim() || 'Europe/London';
const percentIn = (text: string) => numberIn(text.trim().replace(/\s*%$/, ''));
const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max).trimEnd()}…` : text);
const quoted = (text: string) => (text.trim() ? `“${clip(text.trim())}”` : 'empty');
const longDay = (day: string) => {
  try {
    return formatLongDay(day);
  } catch {
    return day;
  }
};
/** Which of a time that happens twice is meant, when one of `times` does (the clocks going back); '' when none does. */
const twiceUsed = (v: SessionValues, times: [string, string][]) => {
  try {
    return times.some(([d, t]) => repeatedTime(d, t, zoneOf(v))) ? occurrenceOf(v) : '';
  } catch {
    return '';
  }
};
/** Whether the capacity of a kind of seat is in the form (a seat kind the mode offers). */
const hasInPerson = (v: SessionValues) => v.mode !== 'online';
const hasOnline = (v: SessionValues) => v.mode !== 'in_person';

/** Who it is for: the form's audience, apart from its other values. */
const AUDIENCE: Part = {
  label: 'Who is it for',
  name: 'who it is for',
  keys: [],
  of: ({ a }) => (a.kind === 'programme' ? 'programme' : `${a.kind} ${a.orgId}`),
  field: ({ a }) => `audience-${a.kind}`,
  words: () => null,
  send: (_, who, b) => void (b.audience = who),
};

const PARTS: Part[] = [
  { label: 'Title', name: 'the title', keys: ['title'], of: ({ v }) => same(v.title), field: () => 'title', words: ({ v }) => quoted(v.title), send: (i, _, b) => void (b.title = i.title) },
  { label: 'Description', name: 'the description', keys: ['description'], of: ({ v }) => same(v.description), field: () => 'description', words: ({ v }) => quoted(v.description), send: (i, _, b) => void (b.description = i.description ?? '') },
  {
    label: 'Mode',
    name: 'the mode',
    keys: ['mode'],
    of: ({ v }) => v.mode,
    field: () => 'mode-online',
    words: ({ v }) => modeLabel[v.mode].toLowerCase(),
    send: (i, _, b) => {
      b.mode = i.mode;
      // An online session has no venue (the seats of a kind it no longer offers the server takes away itself).
      if (i.mode === 'online') b.venue = null;
    },
  },
  {
    // The zone is part of the times: the same clock times in another zone are another time.
    label: 'Date and time',
    name: 'the date and time',
    keys: ['date', 'start', 'end', 'endsNextDay', 'lastDate', 'lastStart', 'timeZone', 'occurrence'],
    of: ({ v }) => [v.date, v.start, v.end, endDay(v, v.date), zoneOf(v), twiceUsed(v, [[v.date, v.start], [endDay(v, v.date), v.end]])].join(' '),
    field: () => 'date',
    words: ({ v }) => `${longDay(v.date)}, ${v.start} to ${v.end}${endDay(v, v.date) !== v.date ? ' the next day' : ''}${zoneOf(v) !== 'Europe/London' ? ` (${zoneOf(v)})` : ''}`,
    send: (i, _, b) => Object.assign(b, { startsAt: i.startsAt, endsAt: i.endsAt, timeZone: i.timeZone }),
  },
  {
    label: 'Venue',
    name: 'the venue',
    keys: ['venue'],
    of: ({ v }) => (v.mode === 'online' ? '' : same(v.venue)),
    field: ({ v }) => (v.mode === 'online' ? 'mode-online' : 'venue'),
    words: ({ v }) => (v.mode === 'online' ? 'none (online)' : v.venue.trim() ? quoted(v.venue) : 'none'),
    send: (i, _, b) => void (b.venue = i.mode === 'online' ? null : (i.venue ?? null)),
  },
  { label: 'Area', name: 'the area', keys: ['area'], of: ({ v }) => v.area, field: () => 'area', words: ({ v }) => (v.area ? (AREAS.find(([c]) => c === v.area)?.[1] ?? v.area) : 'no area'), send: (i, _, b) => void (b.area = i.area ?? null) },
  {
    label: 'Number of in-person seats',
    name: 'the number of in-person seats',
    keys: ['capInPerson'],
    of: ({ v }) => (hasInPerson(v) ? numberIn(v.capInPerson) : ''),
    field: ({ v }) => (hasInPerson(v) ? 'cap-in-person' : 'mode-online'),
    words: ({ v }) => (hasInPerson(v) ? v.capInPerson.trim() || 'none' : 'none (online only)'),
    send: (i, _, b) => {
      if (i.capacity.inPerson !== undefined) b.capacity = { ...b.capacity, inPerson: i.capacity.inPerson };
    },
  },
  {
    label: 'Number of online seats',
    name: 'the number of online seats',
    keys: ['capOnline'],
    of: ({ v }) => (hasOnline(v) ? numberIn(v.capOnline) : ''),
    field: ({ v }) => (hasOnline(v) ? 'cap-online' : 'mode-online'),
    words: ({ v }) => (hasOnline(v) ? v.capOnline.trim() || 'none' : 'none (in person only)'),
    send: (i, _, b) => {
      if (i.capacity.online !== undefined) b.capacity = { ...b.capacity, online: i.capacity.online };
    },
  },
  {
    label: 'When a seat frees up',
    name: 'what happens when a seat frees up',
    keys: ['policy'],
    of: ({ v }) => v.policy,
    field: () => 'policy',
    words: ({ v }) => (v.policy === 'offer' ? 'offer it to the next person for a limited time' : 'give it straight to the next person on the waitlist'),
    send: (i, _, b) => void (b.waitlistPolicy = i.waitlistPolicy),
  },
  {
    label: 'How long an offered seat is held',
    name: 'how long an offered seat is held',
    keys: ['offerHold'],
    of: ({ v }) => (v.policy === 'offer' ? numberIn(v.offerHold) : ''),
    field: ({ v }) => (v.policy === 'offer' ? 'offer-hold' : 'policy'),
    words: ({ v }) => (v.policy === 'offer' ? `${v.offerHold.trim()} minutes` : 'not used (no offers)'),
    send: (i, _, b) => {
      if (i.offerHoldMinutes !== undefined) b.offerHoldMinutes = i.offerHoldMinutes;
    },
  },
  {
    label: 'Course',
    name: 'the course',
    keys: ['courseId'],
    of: ({ v }) => v.courseId,
    field: () => 'course',
    words: () => null,
    send: (i, _, b) => void (b.courseId = i.courseId ?? null),
  },
  {
    label: 'Part of the course',
    name: 'the part of the course',
    keys: ['part'],
    of: ({ v }) => (v.courseId ? numberIn(v.part) : ''),
    field: ({ v }) => (v.courseId ? 'part' : 'course'),
    words: ({ v }) => (v.courseId ? `part ${v.part.trim()}` : 'none (no course)'),
    send: (i, _, b) => {
      if (i.part !== undefined) b.part = i.part;
    },
  },
  {
    label: 'Trainers',
    name: 'the trainers',
    keys: ['trainerIds'],
    of: ({ v }) => [...v.trainerIds].sort().join(' '),
    field: () => 'trainers',
    words: () => null,
    send: (i, _, b) => void (b.trainerIds = i.trainerIds),
  },
  {
    label: 'Booking closes',
    name: 'when booking closes',
    keys: ['closesDate', 'closesTime', 'occurrence'],
    // On the session's clock: another zone is another instant.
    of: ({ v }) => (v.closesDate || v.closesTime ? [v.closesDate, v.closesTime, zoneOf(v), twiceUsed(v, [[v.closesDate, v.closesTime]])].join(' ') : ''),
    field: () => 'closes-date',
    words: ({ v }) => (v.closesDate ? `${longDay(v.closesDate)} at ${v.closesTime}` : 'when the session ends'),
    send: (i, _, b) => void (b.bookingClosesAt = i.bookingClosesAt ?? null),
  },
  {
    label: 'Online room',
    name: 'the online room',
    keys: ['roomKind'],
    of: ({ v }) => v.roomKind,
    field: ({ v }) => (v.mode === 'in_person' ? 'mode-online' : 'room-webinar'),
    words: ({ v }) => `a ${v.roomKind}`,
    send: (i, _, b) => void (b.roomKind = i.roomKind),
  },
  {
    label: 'Attendance needed',
    name: 'the attendance needed',
    keys: ['threshold'],
    of: ({ v }) => percentIn(v.threshold),
    field: () => 'threshold',
    words: ({ v }) => `${percentIn(v.threshold)}%`,
    send: (i, _, b) => {
      if (i.attendanceThreshold !== undefined) b.attendanceThreshold = i.attendanceThreshold;
    },
  },
  AUDIENCE,
];

/** The parts whose values differ between two forms. */
const partsChanged = (from: Form, to: Form) => PARTS.filter((p) => p.of(from) !== p.of(to));

/**
 * The form after someone else's changes: the session as it is now, with the trainer's own
 * changes kept in every part they changed that no one else did.
 */
function mergedForm(mine: Form, now: Form, keep: readonly Part[]): Form {
  const v: SessionValues = { ...now.v };
  for (const p of keep) for (const k of p.keys) (v as unknown as Record<string, unknown>)[k] = mine.v[k];
  return { v, a: keep.includes(AUDIENCE) ? mine.a : now.a };
}

/** A part changed by both: what it is now, and what the trainer had made it (beside the field it is in, in the form `shown`). */
function conflictError(p: Part, mine: Form, now: Form, shown: Form): FieldError {
  const [theirs, yours] = [p.words(now), p.words(mine)];
  return { field: p.field(shown), message: theirs !== null && yours !== null ? `${p.label}: changed by someone else meanwhile to ${theirs} (you had changed it to ${yours})` : `${p.label}: changed by someone else meanwhile (the form now shows their change)` };
}

/**
 * The seats a save would take from people: fewer seats of a kind than are taken (booked or
 * offered), as errors beside that kind's number of seats. The server refuses such a save
 * (bookings/service.ts, checkSessionChange); found first, so no one is asked whether to tell
 * people of a change that cannot be saved, and said with what to do about it.
 */
function seatsTakenErrors(current: Session, body: Patch): FieldError[] {
  const mode = body.mode ?? current.mode;
  const kinds = [
    { field: 'cap-in-person', kind: 'in-person', wanted: body.capacity?.inPerson, counts: current.seats.inPerson, other: 'online' },
    { field: 'cap-online', kind: 'online', wanted: body.capacity?.online, counts: current.seats.online, other: 'in-person' },
  ];
  return kinds.flatMap(({ field, kind, wanted, counts, other }) => {
    const taken = counts.confirmed + counts.offered;
    if (wanted === undefined || wanted >= taken) return [];
    // People can be moved to the other kind of seat only in a session that has both.
    const what = mode === 'hybrid' ? `remove people, or move them to ${other} seats,` : 'remove people';
    return [{ field, message: `${plural(taken, `${kind} seat is`, `${kind} seats are`)} already taken, so there cannot be fewer: ${what} on Who is coming first` }];
  });
}

/**
 * A mode that leaves out a kind of seat people are booked on, offered or waiting for: refused by
 * the server (checkSessionChange) in these words, at Mode; found first, for the same reason as
 * seatsTakenErrors. (Seats held for schools of that kind are the server's to say: the page does
 * not know who holds them.)
 */
function modeDropsPeopleErrors(current: Session, body: Patch): FieldError[] {
  if (!body.mode || body.mode === 'hybrid' || body.mode === current.mode) return [];
  const dropped = body.mode === 'online' ? current.seats.inPerson : current.seats.online;
  const people = dropped.confirmed + dropped.offered + dropped.waitlisted;
  if (people === 0) return [];
  const [gone, kept] = body.mode === 'online' ? ['in-person', 'online'] : ['online', 'in-person'];
  const a = (kind: string) => (kind === 'online' ? 'an online' : 'an in-person');
  const who = people === 1 ? `1 person is booked on or waiting for ${a(gone)} seat` : `${people} people are booked on or waiting for ${gone} seats`;
  return [{ field: 'mode-online', message: `${who}, which a session ${body.mode === 'online' ? 'online' : 'in person'} only does not have. Move ${people === 1 ? 'them' : 'each of them'} to ${a(kept)} seat on Who is coming, or remove them, first; or keep it hybrid.` }];
}

/** Whether, and how many, people a save is asked about first: everyone booked or waiting (a new time or place), or seat holders (new invite text). */
interface Question {
  people: number;
  moved: boolean;
  /** How many people the register has attendance recorded for that the move clears (registerCleared). */
  cleared: number;
}

/**
 * How many people's attendance a move to `startsAt`/`endsAt` clears from the register (ticks,
 * corrections and notes, check-ins and time in the online room): the server clears what was
 * recorded of a session moved to times not yet begun, other than within the same sitting
 * (attendance/service.ts, moveClearsRecord, whose rule this mirrors). Read from the register
 * itself (GET /api/sessions/:id/attendance, which those who run a session may read) only when
 * such a move would clear it and someone has a seat (the register lists seat holders): 0 else.
 */
async function registerCleared(current: Session, startsAt: string, endsAt: string): Promise<number> {
  const now = serverNow();
  const moved = Date.parse(startsAt) !== Date.parse(current.startsAt) || Date.parse(endsAt) !== Date.parse(current.endsAt);
  const seated = current.seats.inPerson.confirmed + current.seats.online.confirmed;
  if (!moved || Date.parse(startsAt) <= now || seated === 0) return 0;
  const report = await api(`/api/sessions/${encodeURIComponent(current.id)}/attendance`, AttendanceReport);
  const sameSitting = now >= Date.parse(report.session.registerOpensAt) && Date.parse(startsAt) < Date.parse(current.endsAt);
  // Begun, with someone attended: the server refuses the move, saying why (nothing is cleared).
  if (sameSitting || (now >= Date.parse(current.startsAt) && report.items.some((r) => r.attended || r.status === 'attended'))) return 0;
  return report.items.filter((r) => r.override !== null || r.source !== 'none').length;
}

function EditForm({ s, navigated, onChanged, reload }: { s: Session; navigated: boolean; onChanged: (s: Session) => void; reload: () => Promise<void> }) {
  /** A save that failed for a reason about no field (the network, the service): said above Save, with the question those on it were asked, if any, and agreed to. */
  const [failure, setFailure] = useState<{ error: unknown; agreed: Question | null } | null>(null);
  // Who runs it is chosen here too: an administrator from every trainer; a trainer or in-house lead adds co-trainers and stays on it.
  const [values, setValues] = useState<SessionValues>(valuesOf(s));
  // Who it is for, changed here as when it was published (the server refuses leaving anyone on it outside).
  const [audience, setAudienceState] = useState<AudienceValue>({ kind: s.audience.kind, orgId: s.audience.orgId ?? '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Parts the trainer changed that someone else changed too meanwhile: not saved, said in the summary and beside each. */
  const [conflicts, setConflicts] = useState<FieldError[]>([]);
  // Asking before a save that emails people: how many, and whether for a new time or place (everyone booked or waiting) or new invite text (seat holders).
  const [confirming, setConfirming] = useState<Question | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  /** A reason longer than the service keeps: said beside it as it appears (the section has no summary), the text kept to be shortened. */
  const [reasonError, setReasonError] = useState('');
  const cancel = useAction();
  const confirmRef = useRef<HTMLDivElement>(null);
  const saveRef = useRef<HTMLButtonElement>(null);
  const focusLater = useFocusLater();
  /** Asked when a save would move a session still to come into the past (PastStartQuestion): `key`, the start it would have; `pastAgreed`, the start "Save anyway" was pressed for. */
  const [pastAsk, setPastAsk] = useState<{ key: string; past: PastDay[] } | null>(null);
  const [pastAgreed, setPastAgreed] = useState<string | null>(null);
  const pastRef = useRef<HTMLDivElement>(null);
  /** Asked when a save would set a booking cut-off already gone while booking is open (PastCutOffQuestion): `key`, the cut-off; `cutOffAgreed`, the one "Save anyway" was pressed for. */
  const [cutOffAsk, setCutOffAsk] = useState<string | null>(null);
  const [cutOffAgreed, setCutOffAgreed] = useState<string | null>(null);
  const cutOffRef = useRef<HTMLDivElement>(null);
  const set = (patch: Partial<SessionValues>) => {
    setConfirming(null);
    setPastAsk(null);
    setCutOffAsk(null);
    // A change after a failed save is a new save: "Try again" would repeat the old one.
    setFailure(null);
    setValues((v) => withCutOffMoved(v, { ...v, ...patch }));
  };
  const people = peopleOf(s);

  /**
   * Saves what the trainer changed, and only that: each part of the form whose value differs
   * from the session as the page loaded it (`s`). The session is read again first: a part
   * someone else changed meanwhile that the trainer did not is left as they left it; one both
   * changed is not saved, and the form shows it as it now is (the trainer's other changes
   * kept), saying so. Whether to ask before telling people is worked out from the session as
   * it now is, so the question says what the save will do; `agreed` is the question answered
   * "Save and tell", asked again if the answer would now be another.
   */
  async function save(e: Event | null, agreed: Question | null, pastOk: string | null = pastAgreed, cutOffOk: string | null = cutOffAgreed) {
    e?.preventDefault();
    if (busy) return;
    setPastAsk(null);
    setCutOffAsk(null);
    setStatus('');
    setFailure(null);
    setConflicts([]);
    const { input, errors: found } = toInput(values);
    const who = audienceInput(audience);
    if ('field' in who) found.push(who);
    setErrors(found);
    if (!input || found.length || 'field' in who) return;
    const mine: Form = { v: values, a: audience };
    const loaded = formOf(s);
    const changed = partsChanged(loaded, mine);
    setBusy(true);
    try {
      const current = await api(`/api/sessions/${encodeURIComponent(s.id)}`, Session);
      if (current.status === 'cancelled') {
        // Cancelled meanwhile: the page shows it so (no form), saying so in its status, which takes focus.
        setConfirming(null);
        onChanged(current);
        setStatus('This session was cancelled meanwhile, so your changes were not saved.');
        focusLater(() => document.getElementById('edit-status'), { force: true });
        return;
      }
      const now = formOf(current);
      // What someone else changed since the page loaded it (its times compared exactly too).
      const theirs = partsChanged(loaded, now);
      const TIME = PARTS.find((p) => p.keys.includes('start'))!;
      if (!theirs.includes(TIME) && (Date.parse(current.startsAt) !== Date.parse(s.startsAt) || Date.parse(current.endsAt) !== Date.parse(s.endsAt))) theirs.push(TIME);
      // Changed by both, to different values: a conflict. A part both made the same needs no saving.
      const both = changed.filter((p) => theirs.includes(p) && p.of(mine) !== p.of(now));
      if (both.length) {
        // Nothing is saved: the form shows the session as it now is, with the trainer's other changes, and says what clashed.
        const merged = mergedForm(mine, now, changed.filter((p) => !both.includes(p)));
        setConfirming(null);
        onChanged(current);
        setValues(merged.v);
        setAudienceState(merged.a);
        // Its summary takes focus as it appears (ErrorSummary).
        setConflicts(both.map((p) => conflictError(p, mine, now, merged)));
        return;
      }
      const toSave = changed.filter((p) => !theirs.includes(p));
      const othersSaid = theirs.length ? ` Someone else changed ${listOf(theirs.map((p) => p.name))} meanwhile: kept as they left it.` : '';
      if (!toSave.length) {
        // Nothing of the trainer's to save: the form shows the session as it is.
        setConfirming(null);
        onChanged(current);
        setValues(valuesOf(current));
        setAudienceState(now.a);
        setStatus(`Changes saved.${othersSaid}`);
        focusLater(saveRef);
        return;
      }
      const body: Patch = {};
      for (const p of toSave) p.send(input, who, body);
      const tooFew = [...modeDropsPeopleErrors(current, body), ...seatsTakenErrors(current, body)];
      if (tooFew.length) {
        // Said in the error summary (which takes focus), before anyone is asked about telling people.
        setConfirming(null);
        setErrors(tooFew);
        return;
      }
      // Moved from a time still to come to one already gone: most often a slip of the date, so asked
      // first; a session that took place may still be recorded so. Not asked when the server
      // refuses it anyway (people on it, the new times over: sessions/service.ts), which says why.
      const refusedAnyway = peopleOf(current) > 0 && Date.parse(body.endsAt ?? current.endsAt) <= serverNow();
      const intoPast = body.startsAt !== undefined && Date.parse(body.startsAt) < serverNow() && Date.parse(current.startsAt) >= serverNow();
      if (intoPast && !refusedAnyway && body.startsAt !== pastOk) {
        const past = pastDays(values, [values.date]);
        if (past.length) {
          setConfirming(null);
          setPastAsk({ key: body.startsAt!, past });
          focusLater(pastRef, { force: true });
          return;
        }
      }
      // A booking cut-off already gone, while booking is open, closes it at once: asked first, as
      // a start in the past is (which, when asked, says what its cut-off means for booking).
      const cutOff = body.bookingClosesAt;
      if (cutOff && !intoPast && Date.parse(cutOff) <= serverNow() && Date.parse(current.bookingEndsAt) > serverNow() && cutOff !== cutOffOk) {
        setConfirming(null);
        setCutOffAsk(cutOff);
        focusLater(cutOffRef, { force: true });
        return;
      }
      // The rule the server tells people by, applied to the session as it now is: a new time, venue or mode.
      const venue = body.venue !== undefined ? body.venue : current.venue;
      const moved =
        (body.startsAt !== undefined && (Date.parse(body.startsAt) !== Date.parse(current.startsAt) || Date.parse(body.endsAt ?? current.endsAt) !== Date.parse(current.endsAt))) ||
        (venue ?? null) !== current.venue ||
        (body.mode !== undefined && body.mode !== current.mode);
      // A new title, description or zone changes the invite in each seat holder's calendar: they are sent its new version (not once the session is over).
      const retitled =
        (body.title !== undefined && body.title !== current.title) ||
        (body.description !== undefined && sameLines(body.description) !== sameLines(current.description)) ||
        (body.timeZone !== undefined && body.timeZone !== current.timeZone);
      const seated = current.seats.inPerson.confirmed + current.seats.online.confirmed;
      // As the server tells them (toldOfMove): no one once the session, as changed, is over; only
      // the in-person places when only the venue changed (an online seat's invite has no venue).
      const over = Date.parse(body.endsAt ?? current.endsAt) <= serverNow();
      const venueOnly = moved && (venue ?? null) !== current.venue && body.startsAt === undefined && body.endsAt === undefined && (body.mode === undefined || body.mode === current.mode);
      const inPerson = current.seats.inPerson.confirmed + current.seats.inPerson.offered + current.seats.inPerson.waitlisted;
      const toTell = moved ? (over ? 0 : venueOnly ? inPerson : peopleOf(current)) : retitled && Date.parse(current.endsAt) > serverNow() ? seated : 0;
      // A move to times not yet begun clears the register: said in the question, when it holds anything.
      const cleared = toTell > 0 && body.startsAt !== undefined ? await registerCleared(current, body.startsAt, body.endsAt ?? current.endsAt) : 0;
      if (toTell > 0 && !(agreed && agreed.people === toTell && agreed.moved === moved && agreed.cleared === cleared)) {
        setConfirming({ people: toTell, moved, cleared });
        // The question takes focus once drawn, also from a field Enter was pressed in (so forced).
        focusLater(confirmRef, { force: true });
        return;
      }
      const saved = await api(`/api/sessions/${encodeURIComponent(s.id)}`, Session, { method: 'PATCH', body });
      setConfirming(null);
      focusLater(saveRef);
      onChanged(saved);
      setValues(valuesOf(saved));
      setAudienceState({ kind: saved.audience.kind, orgId: saved.audience.orgId ?? '' });
      setStatus(`${toTell > 0 ? `Changes saved. ${plural(toTell, 'person has', 'people have')} been told.` : 'Changes saved.'}${othersSaid}`);
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
      } else setFailure({ error: err, agreed });
    } finally {
      setBusy(false);
    }
  }

  /**
   * Checks the reason with the service's schema before anything is asked or sent: a reason it
   * would refuse is said beside the field (and marks it), which takes focus. False then.
   */
  function reasonAccepted(): boolean {
    const problem = cancelReasonProblem(reason);
    setReasonError(problem ?? '');
    if (problem) focusLater(() => document.getElementById('cancel-reason'), { force: true });
    return !problem;
  }

  async function doCancel() {
    if (!reasonAccepted()) return;
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await cancel.run(async () => {
      const r = await api(`/api/sessions/${encodeURIComponent(s.id)}/cancel`, CancelResult, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} });
      onChanged(r);
      // The form and this section go (a cancelled session cannot be changed): the message takes focus.
      focusLater(() => document.getElementById('edit-status'));
      setStatus(r.told === 0 ? 'Session cancelled. No one needed to be told.' : `Session cancelled. ${plural(r.told, 'person has', 'people have')} been told.`);
    });
  }

  const title = `Edit: ${s.title}`;
  // Beside their fields: the form's errors, and the parts someone else changed too.
  const fieldErrors = useMemo(() => [...errors, ...conflicts], [errors, conflicts]);
  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0 || conflicts.length > 0 || reasonError !== ''}>
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
          <ConflictSummary conflicts={conflicts} what="session" idPrefix="conflict" />
          {pastAsk && (
            <PastStartQuestion
              values={values}
              past={pastAsk.past}
              goAhead="Save anyway"
              busy={busy}
              innerRef={pastRef}
              onGoAhead={() => {
                setPastAgreed(pastAsk.key);
                void save(null, null, pastAsk.key);
              }}
              onCorrect={() => {
                setPastAsk(null);
                document.getElementById('date')?.focus();
              }}
            />
          )}
          {cutOffAsk && (
            <PastCutOffQuestion
              values={values}
              days={[values.date]}
              goAhead="Save anyway"
              busy={busy}
              innerRef={cutOffRef}
              onGoAhead={() => {
                setCutOffAgreed(cutOffAsk);
                void save(null, null, pastAgreed, cutOffAsk);
              }}
              onCorrect={() => {
                setCutOffAsk(null);
                document.getElementById('closes-date')?.focus();
              }}
            />
          )}
          {Date.parse(s.endsAt) <= serverNow() ? <EndedNotice /> : null}
          <form onSubmit={(e) => save(e, null)} noValidate>
            <SessionFields values={values} set={set} errors={fieldErrors} sessionId={s.id} />
            <AudienceField value={audience} onChange={(v) => { setConfirming(null); setFailure(null); setAudienceState(v); }} errors={fieldErrors} chosenName={s.audience.orgId && s.audience.orgName ? { orgId: s.audience.orgId, name: s.audience.orgName } : undefined} />
            {confirming !== null ? (
              <div class="confirm" role="group" aria-labelledby="tell-question" ref={confirmRef} tabIndex={-1}>
                <p id="tell-question">
                  {confirming.moved
                    ? `This changes the time or place. ${plural(confirming.people, 'person', 'people')} booked or waiting will be told by email, with an updated calendar invite.${confirming.cleared > 0 ? ` The attendance already recorded for ${plural(confirming.cleared, 'person', 'people')} (register ticks, corrections and notes, check-ins, time in the online room) will be cleared, to be taken again at the new time.` : ''} Save and tell them?`
                    : `This changes what the calendar invite says. ${plural(confirming.people, 'person', 'people')} with a seat will be sent the updated invite by email. Save and tell them?`}
                </p>
                <div class="actions">
                  <button type="button" class="button" onClick={() => save(null, confirming)} aria-disabled={busy ? 'true' : undefined}>
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
                <SaveFailure error={failure?.error ?? null} busy={busy} onRetry={() => void save(null, failure?.agreed ?? null)} />
                <button ref={saveRef} type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
                  {busy ? 'Saving…' : 'Save changes'}
                </button>
              </>
            )}
          </form>
          <section class="panel" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel this session</h2>
            {/* After its end a cancellation records that it did not take place (refused once anyone attended): said so, as its notice says. */}
            {Date.parse(s.endsAt) <= serverNow() ? (
              <p>
                This session has ended. If it did not take place, cancel it to record that: it then counts towards no one’s training.{' '}
                {people === 0 ? 'No one still had a place or was waiting, so no one needs to be told.' : `Everyone who still had a place or was waiting (${plural(people, 'person', 'people')}) is told it did not take place, with the reason you give.`}
              </p>
            ) : (
              <p>{people === 0 ? 'No one is booked, offered a seat or waiting, so no one needs to be told.' : `Everyone booked, offered a seat or waiting (${plural(people, 'person', 'people')}) is told, with the reason you give.`}</p>
            )}
            <TextField
              id="cancel-reason"
              label="Reason (sent to everyone; optional)"
              hint={lengthHint(reason, MAX_CANCEL_REASON_CHARS)}
              error={reasonError || undefined}
              announce
              value={reason}
              onInput={(e) => {
                const text = (e.currentTarget as HTMLInputElement).value;
                setReason(text);
                // An error said goes once the reason is one the service takes.
                if (reasonError) setReasonError(cancelReasonProblem(text) ?? '');
              }}
            />
            {/* "Try again" ends where a first cancel does: on the message saying so. */}
            <ActionError action={cancel} focusTo={() => document.getElementById('edit-status')} />
            {/* The reason is checked as "Cancel this session" is pressed, before the question is asked (not after "Yes"): a press on it with a reason the service refuses goes no further. */}
            <ConfirmButton
              label="Cancel this session"
              question={`Cancel “${s.title}”? ${people === 0 ? 'No one is booked or waiting, so no one needs to be told.' : `${plural(people, 'person', 'people')} will be told.`} This cannot be undone.`}
              confirmLabel="Yes, cancel the session"
              keepLabel="No, keep it"
              busy={cancel.busy}
              mayAsk={reasonAccepted}
              onConfirm={() => void doCancel()}
            />
          </section>
        </>
      )}
    </>
  );
}
