import { useRef, useState } from 'preact/hooks';
import { FeedUrl } from '../../../shared/calendar.js';
import { api } from '../api.js';
import { PARENT_KINDS } from '../../../shared/accounts.js';
import { ConfirmButton, PageHeading, Status, useApp, type MeValue } from '../components.js';
import { ActionError, Loaded, useAction, useLoad } from '../load.js';
import { officeOrgOf, OrgsNotLoaded, SchoolForm, useOrgs, type Org } from '../orgs.js';
import { navigate } from '../router.js';

/** Copies text with the Clipboard API, or by selecting the field and the older copy command. */
async function copyText(text: string, field: HTMLTextAreaElement | null): Promise<boolean> {
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

/** One private feed address with copy, open and "make a new address"; `base` is /api/me/calendar or /api/orgs/:id/calendar. */
function FeedPanel({ base, idPrefix, label, rotateQuestion }: { base: string; idPrefix: string; label: string; rotateQuestion: string }) {
  const feed = useLoad(() => api(base, FeedUrl), [base]);
  const rotating = useAction();
  const [status, setStatus] = useState('');
  const [rotateStatus, setRotateStatus] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);

  async function copy() {
    const url = feed.data?.url;
    if (!url) return;
    // Clear first so the same message is announced again on a second copy.
    setStatus('');
    const ok = await copyText(url, field.current);
    setStatus(ok ? 'Copied the calendar address.' : 'Could not copy automatically. The address is selected: press Control and C (or Command and C) to copy it.');
    if (!ok) field.current?.select();
  }

  async function rotate() {
    setRotateStatus('');
    setStatus('');
    await rotating.run(async () => {
      feed.set(await api(`${base}/rotate`, FeedUrl, { method: 'POST' }));
      setRotateStatus('There is a new calendar address. The old one has stopped working: subscribe again with the new one.');
      field.current?.focus();
    });
  }

  return (
    <Loaded state={feed} what="the calendar address">
      {(f) => (
        <div class="copy-field">
          <div class="field">
            <label for={`${idPrefix}-url`}>{label}</label>
            <p class="hint" id={`${idPrefix}-url-hint`}>
              Read only. Use the Copy button, then paste it into your calendar’s “subscribe” or “add from URL” option.
            </p>
            {/* A wrapping field, not a one-line input: at 320 px (or 400% zoom) the whole address stays in view (WCAG 1.4.10). */}
            <textarea ref={field} id={`${idPrefix}-url`} rows={3} readOnly value={f.url} aria-describedby={`${idPrefix}-url-hint`} spellcheck={false} onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()} />
          </div>
          <div class="actions">
            <button type="button" class="button" onClick={copy}>
              Copy address<span class="visually-hidden">: {label}</span>
            </button>
            <a class="button button-secondary" href={f.webcalUrl}>
              Open in my calendar app<span class="visually-hidden">: {label}</span>
            </a>
          </div>
          <Status message={status} />
          <h3>If someone else has the address</h3>
          <p>Make a new address. The old one stops working at once, in every calendar that uses it.</p>
          <ConfirmButton label={rotating.busy ? 'Making a new address…' : 'Make a new address'} question={rotateQuestion} confirmLabel="Yes, make a new address" keepLabel="Keep the current address" busy={rotating.busy} onConfirm={() => void rotate()} variant="secondary" />
          <ActionError action={rotating} />
          <Status message={rotateStatus} />
        </div>
      )}
    </Loaded>
  );
}

/**
 * What the Calendar page says of an organisation's feed: a school's (its office's own, or one
 * its trust's office chose), or a trust's or local authority's, whose feed holds the staff it
 * employs itself: each school has a feed of its own (server/calendar/service.ts, orgScope).
 * A feed works while its maker acts for the organisation: a school's office for its school, a
 * trust's office for the trust and its schools.
 */
function orgFeedWords(me: MeValue, orgs: Org[], orgId: string | null, orgName: string | null) {
  const org = orgs.find((o) => o.id === orgId);
  const name = orgName ?? 'your school';
  const groupKind = org?.kind && PARENT_KINDS.includes(org.kind) ? org.kind : orgs.some((o) => o.parentId === orgId) ? 'trust' : null;
  const keep = 'This address is yours alone (each member of the office has their own)';
  // An administrator acts for every organisation, so their address works while they are one.
  const works = (office: string) => (me.role === 'admin' ? 'works while you are an administrator' : `works while you are office staff for ${office}`);
  if (groupKind) {
    const word = groupKind === 'local_authority' ? 'local authority' : 'trust';
    return {
      heading: `Every booking of ${name}’s own staff`,
      about: `For the ${word} office: one calendar with every booking and waitlist place of the staff of ${name} itself, kept up to date. Its schools’ staff are not in it: each school has a calendar of its own, so choose the school above for theirs. ${keep} and ${works(`this ${word}`)}.`,
      label: `The ${word}’s calendar address`,
      whose: `the ${word}’s`,
    };
  }
  const own = !orgId || orgId === me.orgId;
  return {
    heading: `Every booking of ${name}’s staff`,
    about: own
      ? `For the school office: one calendar with every booking and waitlist place of your staff, kept up to date. ${keep} and ${works('this school')}.`
      : `For the office: one calendar with every booking and waitlist place of the staff of ${name}, kept up to date. ${keep} and ${works(`${me.orgName ?? 'your trust'}, whose schools you book for`)}.`,
    label: own ? 'Your school’s calendar address' : `${name}’s calendar address`,
    whose: own ? 'the school’s' : `${name}’s`,
  };
}

/** "Subscribe to my calendar": the private feed address and a one-click copy; office staff also get their school's. */
export function CalendarPage() {
  const { me, loc } = useApp();
  const office = (me.role === 'office' || me.role === 'admin') && me.orgId;
  // A trust's office has a calendar for each of its schools: the picker chooses which (`?org=`).
  const orgs = useOrgs(me.role === 'office', loc.query.get('org'));
  const orgId = office ? officeOrgOf(me, orgs.data, loc.query.get('org')) : null;
  const orgName = orgs.data?.find((o) => o.id === orgId)?.name ?? me.orgName;
  const feedWords = orgFeedWords(me, orgs.data ?? [], orgId, orgName);
  const [choiceError, setChoiceError] = useState(false);
  // Someone who runs sessions finds those in their feed too (server/calendar/repository.ts, Scope).
  const what = me.runsSessions ? 'bookings and the sessions you run' : 'bookings';
  return (
    <>
      <PageHeading title="Subscribe to my calendar" navigated={loc.navigated} error={choiceError}>
        Subscribe to my calendar
      </PageHeading>
      <p>Add this private address to Outlook, Google Calendar or Apple Calendar as a subscription. Your {what} then appear in your calendar and follow every change, including cancellations.</p>
      <p>Keep the address to yourself: anyone who has it can see your {what}. It stays the same each time you come back here, until you make a new one.</p>
      <section aria-labelledby="my-feed-title">
        <h2 id="my-feed-title">{me.runsSessions ? 'My bookings and the sessions I run' : 'My bookings'}</h2>
        <FeedPanel base="/api/me/calendar" idPrefix="feed" label="Your calendar address" rotateQuestion="Make a new address? Calendars subscribed with the old one will stop updating until you subscribe again." />
      </section>
      {office && orgId && (
        <section aria-labelledby="school-feed-title">
          <h2 id="school-feed-title">{feedWords.heading}</h2>
          <OrgsNotLoaded orgs={orgs} />
          <SchoolForm id="feed-org" orgs={orgs.data ?? []} value={orgId} onChoose={(id) => navigate(`/calendar?org=${encodeURIComponent(id)}`)} onErrors={setChoiceError} />
          <p>{feedWords.about}</p>
          <FeedPanel
            key={orgId}
            base={`/api/orgs/${encodeURIComponent(orgId)}/calendar`}
            idPrefix="school-feed"
            label={feedWords.label}
            rotateQuestion={`Make a new address for ${feedWords.whose} calendar? Every address of it stops working, yours and those of the rest of the office: calendars subscribed with them will stop updating until they subscribe again.`}
          />
        </section>
      )}
    </>
  );
}
