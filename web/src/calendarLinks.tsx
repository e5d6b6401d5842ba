/**
 * "Add to calendar" for a booking with a seat: the invite download (the server names the file
 * after the session and its date) and one-click links for Google Calendar and Outlook on the
 * web, with the session's times given in Europe/London (its own zone), so they land at the
 * right wall-clock time whatever the clock change. A waiting or offered booking has no seat
 * yet, so it gets none of these.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Booking } from '../../shared/bookings.js';
import { DownloadAnchor, DownloadLink, useApp } from './components.js';
import { Link } from './router.js';
import { serverNow } from './clock.js';

const ZONE = 'Europe/London';

interface EventFacts {
  title: string;
  startsAt: string;
  endsAt: string;
  venue: string | null;
  details: string;
}

function wallParts(iso: string, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** "2026-06-10T17:00:00+01:00": the wall-clock time in `timeZone` with its offset. */
export function zonedOffsetIso(iso: string, timeZone = ZONE): string {
  const p = wallParts(iso, timeZone);
  const wallMs = Date.UTC(Number(p.y), Number(p.mo) - 1, Number(p.d), Number(p.h), Number(p.mi), Number(p.s));
  const offsetMin = Math.round((wallMs - Math.floor(Date.parse(iso) / 1000) * 1000) / 60000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Google Calendar's event template: wall-clock times with ctz=Europe/London. */
export function googleCalendarUrl(e: EventFacts): string {
  const w = (iso: string) => {
    const p = wallParts(iso, ZONE);
    return `${p.y}${p.mo}${p.d}T${p.h}${p.mi}${p.s}`;
  };
  const q = new URLSearchParams({ action: 'TEMPLATE', text: e.title, dates: `${w(e.startsAt)}/${w(e.endsAt)}`, ctz: ZONE, details: e.details });
  if (e.venue) q.set('location', e.venue);
  return `https://calendar.google.com/calendar/render?${q}`;
}

/** Outlook on the web's compose deep link: times as ISO 8601 with the Europe/London offset. */
export function outlookCalendarUrl(e: EventFacts): string {
  const q = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: e.title, startdt: zonedOffsetIso(e.startsAt), enddt: zonedOffsetIso(e.endsAt), body: e.details });
  if (e.venue) q.set('location', e.venue);
  return `https://outlook.office.com/calendar/0/deeplink/compose?${q}`;
}

/** The three ways into a calendar for a booking with a seat; nothing for one without. */
export function AddToCalendar({ b }: { b: Booking }) {
  const { me } = useApp();
  if (b.status !== 'confirmed' || b.session.status === 'cancelled') return null;
  const s = b.session;
  // Someone else's booking (an office's staff member): a copy of the event, named for them, as
  // the office's export names it; only the person booked is sent its changes.
  const own = b.userId === me.id;
  const facts: EventFacts = {
    title: own ? s.title : `${b.userName} - ${s.title}`,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    venue: b.seat === 'in_person' ? s.venue : null,
    details: `${b.seat === 'online' ? 'Online' : 'In person'} SEND training session. Details and joining: ${location.origin}/sessions/${s.id}`,
  };
  const id = `add-to-calendar-${b.id}`;
  return (
    <div class="add-to-calendar" role="group" aria-labelledby={id}>
      <p id={id} class="small-heading">
        Add to calendar<span class="visually-hidden">: {s.title}</span>
      </p>
      <ul class="plain link-list">
        <li>
          {/* Fetched by the page: refused (404) to an office once the person is no longer theirs to book for. */}
          <DownloadAnchor href={`/api/bookings/${encodeURIComponent(b.id)}/invite.ics`} fallbackName="invite.ics" what={own ? 'calendar invite' : 'calendar event'}>
            {own ? 'Download the invite (Outlook, Apple Calendar and others)' : 'Download the event (Outlook, Apple Calendar and others)'}
          </DownloadAnchor>
        </li>
        <li>
          <a href={googleCalendarUrl(facts)} target="_blank" rel="noopener noreferrer">
            Add to Google Calendar<span class="visually-hidden"> (opens in a new tab)</span>
          </a>
        </li>
        <li>
          <a href={outlookCalendarUrl(facts)} target="_blank" rel="noopener noreferrer">
            Add to Outlook on the web<span class="visually-hidden"> (opens in a new tab)</span>
          </a>
        </li>
      </ul>
      {/* Those two links make an event of their own, with nothing to tie a later change to it. */}
      {own ? (
        <p class="hint">The emailed invite, and one downloaded here, update when the session changes; an event added with the Google Calendar or Outlook on the web link does not.</p>
      ) : (
        <p class="hint">
          These are copies for your own calendar: they do not change when the session does (its changes are sent to {b.userName}).
          {me.role === 'office' && (
            <>
              {' '}Your organisation’s <Link href="/calendar">calendar feed</Link> keeps every booking of your staff up to date.
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** The time now, moving every 20 seconds (for windows that open while a page is shown). */
export function useNow(everyMs = 20_000): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** Online joining opens 15 minutes before the start and closes at the end (CONTRACT). */
export const JOIN_OPENS_MS = 15 * 60_000;
export const joinOpen = (s: { startsAt: string; endsAt: string }, now: number) => now >= Date.parse(s.startsAt) - JOIN_OPENS_MS && now < Date.parse(s.endsAt);

/** "Join now" while the online join window is open; otherwise when it opens. */
export function JoinNow({ sessionId, startsAt, endsAt, title }: { sessionId: string; startsAt: string; endsAt: string; title?: string }) {
  const now = useNow();
  if (joinOpen({ startsAt, endsAt }, now)) {
    return (
      <Link class="button button-join" href={`/sessions/${sessionId}/room`}>
        Join now{title && <span class="visually-hidden">: {title}</span>}
      </Link>
    );
  }
  if (now >= Date.parse(endsAt)) return null;
  return <p class="hint">You can join online from 15 minutes before the start.</p>;
}

/**
 * "Download the captions transcript" for someone with a seat on a session whose transcript
 * holds a caption (the booking's `hasTranscript`, from the server): long after it too, since
 * the live room's link is gone once it ends, and the transcript is what a person who is deaf
 * or hard of hearing, or who missed part of it, goes back to. With no caption saved (none yet,
 * or none was ever made) nothing is offered: the file would hold no words.
 */
export function TranscriptLink({ b }: { b: Pick<Booking, 'hasTranscript' | 'session'> }) {
  if (!b.hasTranscript) return null;
  const s = b.session;
  return (
    <DownloadLink class="transcript-link" href={`/api/sessions/${encodeURIComponent(s.id)}/transcript.vtt`} fallbackName="transcript.vtt" what="transcript">
      Download the captions transcript<span class="visually-hidden">: {s.title}</span>
    </DownloadLink>
  );
}
