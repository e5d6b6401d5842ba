import { TrainerSessionList, type TrainerSession } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { useEffect } from 'preact/hooks';
import { Badge, Fact, PageHeading, Status, useApp, useFocusLater, When } from '../../components.js';
import { attendanceNotYetRecorded, modeLabel, plural } from '../../format.js';
import { Loaded, useLoad } from '../../load.js';
import { Pagination } from '../../pagination.js';
import { Link } from '../../router.js';
import { serverNow } from '../../clock.js';
import { ManageLinks } from './manageLinks.js';

const PAGE = 20;

function seatsLine(label: string, c: { capacity: number; confirmed: number; offered: number; waitlisted: number }) {
  return `${label}: ${c.confirmed} of ${c.capacity} taken${c.offered ? `, ${c.offered} offered` : ''}, ${c.waitlisted} waiting`;
}

function SessionCard({ item, past }: { item: TrainerSession; past: boolean }) {
  const s = item.session;
  const headingId = `s-${s.id}`;
  const held = item.held.inPerson + item.held.online;
  // Over: it can still be corrected and its people written to (a follow-up), but seats are no longer held on it (the server refuses).
  const ended = Date.parse(s.endsAt) <= serverNow();
  // Ended, but who attended is not yet recorded: the count is as things stand (the register, the room, check-ins).
  const notYetRecorded = s.status === 'cancelled' ? null : attendanceNotYetRecorded(s.endsAt);
  return (
    <li>
      <article class="card" aria-labelledby={headingId}>
        <h2 class="card-title" id={headingId}>
          <Link href={`/sessions/${encodeURIComponent(s.id)}`}>{s.title}</Link>
        </h2>
        {s.status === 'cancelled' && <Badge tone="cancelled">Cancelled</Badge>}
        <dl class="facts">
          <Fact label="When">
            <When startsAt={s.startsAt} endsAt={s.endsAt} />
          </Fact>
          <Fact label="Mode">{modeLabel[s.mode]}</Fact>
          <Fact label="Seats">
            <ul class="plain">
              {s.mode !== 'online' && <li>{seatsLine('In person', s.seats.inPerson)}</li>}
              {s.mode !== 'in_person' && <li>{seatsLine('Online', s.seats.online)}</li>}
            </ul>
          </Fact>
          <Fact label="Held for schools">{held ? `${held} held, ${item.held.claimed} claimed` : 'None'}</Fact>
          {past && (
            <Fact label="Attended">
              {item.attended === null ? 'Not recorded yet' : notYetRecorded ? `${plural(item.attended, 'person', 'people')} so far. ${notYetRecorded}: until then this can change, and feedback and training records do not show it.` : plural(item.attended, 'person', 'people')}
            </Fact>
          )}
        </dl>
        <ul class="actions plain" aria-label={`Actions for ${s.title}`}>
          <ManageLinks s={s} ended={ended} />
          {/* A session cancelled did not take place: no feedback to ask for or read (as its page). */}
          {past && s.status !== 'cancelled' && (
            <li>
              <Link href={`/sessions/${encodeURIComponent(s.id)}/feedback`}>Feedback</Link>
            </li>
          )}
          <li>
            <Link href={`/sessions/new?from=${encodeURIComponent(s.id)}`}>Duplicate</Link>
          </li>
        </ul>
      </article>
    </li>
  );
}

type When = 'upcoming' | 'past' | 'unstaffed';
/** How the count names one of the list's sessions, and several. */
const WHICH: Record<When, [string, string]> = {
  upcoming: ['upcoming session', 'upcoming sessions'],
  past: ['past session', 'past sessions'],
  unstaffed: ['session needing a trainer', 'sessions needing a trainer'],
};
const TAB: Record<When, string> = { upcoming: 'Upcoming', past: 'Past', unstaffed: 'Needing a trainer' };

/**
 * A trainer's own sessions (an administrator's: every session), upcoming or past; for an
 * administrator also those still to come that no one named on them can run now.
 */
export function MySessionsPage() {
  const { loc, me } = useApp();
  const asked = loc.query.get('when');
  const when: When = asked === 'past' ? 'past' : asked === 'unstaffed' && me.role === 'admin' ? 'unstaffed' : 'upcoming';
  // Pages of PAGE from the first (an offset between pages, from an old link, opens its page).
  const page = Math.floor(Math.max(0, Number(loc.query.get('offset')) || 0) / PAGE) + 1;
  const offset = (page - 1) * PAGE;
  const created = Number(loc.query.get('created')) || 0;
  // The list in view stays while the next page (or Upcoming or Past) loads: it carries what
  // it was loaded for, so its count describes it, not the list still loading.
  const state = useLoad(async () => ({ ...(await api(`/api/me/sessions?when=${when}&limit=${PAGE}&offset=${offset}`, TrainerSessionList)), when }), [when, offset]);
  const shown = state.data;
  const count = !shown
    ? ''
    : shown.total === 0
      ? shown.when === 'unstaffed'
        ? 'No sessions need a trainer: someone named on each session still to come can run it.'
        : `No ${WHICH[shown.when][1]}.`
      : shown.items.length === 0
        ? `There is no page ${Math.floor(shown.offset / PAGE) + 1}: ${plural(shown.total, ...WHICH[shown.when])} fill ${plural(Math.ceil(shown.total / PAGE), 'page')}.`
        : `Showing ${shown.offset + 1} to ${shown.offset + shown.items.length} of ${plural(shown.total, ...WHICH[shown.when])}.`;
  const title = me.role === 'admin' ? 'All sessions' : 'My sessions';
  const link = (to: When, off = 0) => `/trainer/sessions?when=${to}${off ? `&offset=${off}` : ''}`;
  const tabs: When[] = me.role === 'admin' ? ['upcoming', 'past', 'unstaffed'] : ['upcoming', 'past'];
  // Arriving from publishing a series, the page opens on the message saying so, as other
  // pages focus their message after an action: a live region that comes into the page
  // already holding its text is often not read out, and focus on the heading would pass it by.
  const announce = created > 0 && loc.navigated;
  const focusLater = useFocusLater();
  useEffect(() => {
    if (announce) focusLater(() => document.getElementById('my-sessions-status'), { force: true });
  }, []);
  return (
    <>
      <PageHeading title={`${title}: ${TAB[when].toLowerCase()}${page > 1 ? ` (page ${page})` : ''}`} navigated={loc.navigated && !announce}>
        {title}
      </PageHeading>
      <Status message={created ? `${plural(created, 'session')} published.` : ''} id="my-sessions-status" focusable />
      <nav aria-label={me.role === 'admin' ? 'Which sessions' : 'Upcoming or past'} class="actions">
        {tabs.map((to) => (
          <Link key={to} href={link(to)} aria-current={to === when ? 'page' : undefined}>
            {TAB[to]}
          </Link>
        ))}
        <Link href="/sessions/new" class="button button-secondary">
          New session or series
        </Link>
      </nav>
      {when === 'unstaffed' && (
        <p class="lede">
          Sessions still to come whose named trainers can no longer run them: turned off, given another role, or no longer leading in-house training for the school. Give each another trainer from its “Edit or cancel” page, or cancel it.
        </p>
      )}
      {/* In the page before the list loads, so the count is read out when it arrives; turning a page focuses it (see Pagination). */}
      <p role="status" class="count" id="my-sessions-count" tabIndex={-1}>
        {count}
      </p>
      <Loaded state={state} what="your sessions">
        {(list) => (
          <>
            <ul class="cards plain">
              {list.items.map((i) => (
                <SessionCard key={i.session.id} item={i} past={list.when === 'past'} />
              ))}
            </ul>
            <Pagination label="Pages of sessions" page={page} pages={Math.max(1, Math.ceil(list.total / PAGE))} href={(n) => link(when, (n - 1) * PAGE)} resultsId="my-sessions-count" />
          </>
        )}
      </Loaded>
    </>
  );
}
