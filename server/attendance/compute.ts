/**
 * Attendance as pure functions: presence intervals in, minutes and attended out. Nothing
 * here reads the clock or the database, so the same inputs always give the same answer
 * (invariant 6: duplicates and arrival order cannot change the minutes).
 */
import type { AttendanceSource } from '../../shared/attendance.js';

/** A stretch of presence in epoch milliseconds; end > start to count. */
export interface Span {
  start: number;
  end: number;
}

const MINUTE = 60_000;

/** Milliseconds of [from, to) covered by the union of `spans` (overlaps count once). */
export function coveredMs(spans: readonly Span[], from: number, to: number): number {
  const clipped = spans
    .map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const s of clipped) {
    if (s.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s.start;
      curEnd = s.end;
    } else if (s.end > curEnd) {
      curEnd = s.end;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export interface SessionWindow {
  startMs: number;
  endMs: number;
  /** Share of the session (0..1) a person must be present for to have attended. */
  threshold: number;
}

export interface Summary {
  /** Whole minutes present, rounded down. */
  minutes: number;
  attended: boolean;
}

/** A session's length in whole minutes, as its pages, its register's limit and its certificates say it ("Length of session"). */
export function lengthMinutes(w: Pick<SessionWindow, 'startMs' | 'endMs'>): number {
  return Math.max(0, Math.round((w.endMs - w.startMs) / MINUTE));
}

/** A session's start and end as a window's instants (no threshold: for reading minutes against its length). */
export const timesOf = (s: { starts_at: string; ends_at: string }): Pick<SessionWindow, 'startMs' | 'endMs'> => ({ startMs: Date.parse(s.starts_at), endMs: Date.parse(s.ends_at) });

/**
 * THE figure of minutes present that every reader states (the register, its spreadsheet, the
 * outcome written, a training record and its spreadsheets, a certificate and its public
 * check, a person's data): what was recorded, at most the session's length as its times are
 * now. No one is present for longer than a session lasts. Minutes worked out from presence are
 * clipped to the session's times already; a trainer's figure is refused above the length when
 * given (attendance/service.ts), but a session's times corrected afterwards (ended early, its
 * start put right) can make it more than the session now lasts. The figure as entered is kept
 * (in the register's entry and its history), so times corrected back bring it back; only what
 * is stated is bounded, here, and every reader reads it through this. Null (not recorded) stays null.
 */
export function minutesPresent(minutes: number | null, w: Pick<SessionWindow, 'startMs' | 'endMs'>): number | null {
  return minutes === null ? null : Math.min(minutes, lengthMinutes(w));
}

/** "1 minute", "75 minutes": a number of minutes as a sentence says it. */
export const minutesInWords = (n: number) => `${n} ${n === 1 ? 'minute' : 'minutes'}`;

/** Minutes of the session covered by the union of spans; attended at or above the threshold. */
export function summarise(spans: readonly Span[], w: SessionWindow): Summary {
  const ms = coveredMs(spans, w.startMs, w.endMs);
  const length = w.endMs - w.startMs;
  // The threshold's share of the session in whole milliseconds: 0.55 of an hour is
  // 1980000.0000000002 in floating point, which exactly 33 minutes present would miss.
  return { minutes: Math.floor(ms / MINUTE), attended: length > 0 && ms > 0 && ms >= Math.round(w.threshold * length) };
}

/** A stored interval's facts, in epoch ms (null when unknown). */
export interface IntervalFacts {
  source: 'livekit' | 'client' | 'checkin';
  startedAt: number | null;
  /** participant_left's createdAt, or a client's leave. */
  leftAt: number | null;
  /** First poll that no longer saw this connection. */
  goneAt: number | null;
  /** Last heartbeat (client) or poll that saw the connection (livekit). */
  seenAt: number | null;
  /** room_finished for the connection's room. */
  roomFinishedAt: number | null;
  /** participant_connection_aborted for this sid: a failed attempt, not presence. */
  aborted: boolean;
}

/**
 * The end of one interval. A participant_left is the best evidence and wins; otherwise the
 * earliest of "a poll stopped seeing it" and "the room finished"; a client interval with
 * no leave ends at its last heartbeat; an open LiveKit connection or a check-in counts up
 * to `now` (clipping to the session end happens in summarise).
 */
export function effectiveEnd(f: IntervalFacts, now: number): number | null {
  if (f.leftAt !== null) return f.leftAt;
  // A later sighting by a poll voids an earlier "gone" (the connection was there after all).
  const gone = f.goneAt !== null && (f.seenAt === null || f.goneAt > f.seenAt) ? f.goneAt : null;
  const closers = [gone, f.roomFinishedAt].filter((x): x is number => x !== null);
  if (closers.length) return Math.min(...closers);
  if (f.source === 'client') return f.seenAt;
  return now;
}

/** Intervals that count as presence, as spans. */
export function toSpans(facts: readonly IntervalFacts[], now: number): Span[] {
  const spans: Span[] = [];
  for (const f of facts) {
    if (f.aborted || f.startedAt === null) continue;
    const end = effectiveEnd(f, now);
    if (end !== null && end > f.startedAt) spans.push({ start: f.startedAt, end });
  }
  return spans;
}

export interface Override {
  attended: boolean;
  minutes: number | null;
}

export interface Outcome {
  /** Whole minutes present; null when unknown (a register tick without minutes, nothing observed). */
  minutes: number | null;
  attended: boolean;
  source: AttendanceSource;
}

/**
 * THE RULE THAT COMBINES SOURCES, per booking:
 * 1. A trainer's register entry (tick or correction) wins outright: its attended flag,
 *    and its minutes if given (else the minutes computed from the rules below), at most the
 *    session's length as it is now (minutesPresent). A tick of
 *    "attended" without minutes, for someone of whom no presence was observed (no minute
 *    by the rules below), leaves the minutes unknown (null), not a false 0.
 * 2. Otherwise the server-observed sources count: LiveKit intervals (webhooks and
 *    polling repair) and in-person check-ins, as one union.
 * 3. The browser's own join/heartbeat/leave reports count only when the booking has no
 *    server-observed interval at all, and LiveKit has reported nothing of the session's
 *    room (`livekitSeesRoom` false: webhooks not set up, or never reached us, and no poll
 *    found the room). Once LiveKit reports the room (anyone's connection, a poll, its
 *    finish), someone it never saw there was not there, whatever their browser says.
 *    They are never mixed with LiveKit data, because a client can report anything.
 */
export function combine(facts: readonly IntervalFacts[], w: SessionWindow, now: number, override: Override | null, livekitSeesRoom = false): Outcome {
  const observed = facts.filter((f) => f.source !== 'client' && !f.aborted);
  const hasLivekit = observed.some((f) => f.source === 'livekit');
  const hasCheckin = observed.some((f) => f.source === 'checkin');
  let computed: Summary & { source: AttendanceSource };
  if (observed.length) {
    computed = { ...summarise(toSpans(observed, now), w), source: hasLivekit && hasCheckin ? 'livekit+checkin' : hasLivekit ? 'livekit' : 'checkin' };
  } else {
    const client = livekitSeesRoom ? [] : facts.filter((f) => f.source === 'client');
    computed = client.length ? { ...summarise(toSpans(client, now), w), source: 'client' } : { minutes: 0, attended: false, source: 'none' };
  }
  if (override) {
    // When the session's times are corrected after a trainer's entry (it ended early), its
    // minutes are read as at most the new length, and its attended flag stands as the trainer
    // gave it: not decided again by the threshold. A register entry is a trainer's judgement,
    // not a sum of minutes (they may tick someone present for less than the threshold, or mark
    // absent someone who was there but did not take part), so no change of times can re-derive
    // it; their register shows the minutes as now stated, and they can correct it. Outcomes
    // worked out from presence (no entry) are decided again by the new times and threshold:
    // presence is clipped to the new window below and compared with the new length.
    const minutes = override.minutes ?? (override.attended && computed.minutes === 0 ? null : computed.minutes);
    return { attended: override.attended, minutes: minutesPresent(minutes, w), source: 'register' };
  }
  return { ...computed, minutes: minutesPresent(computed.minutes, w) };
}
