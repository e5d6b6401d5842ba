/**
 * Administrators: the audit log (`GET /api/audit-log`), who did what to whose account and when,
 * newest first, a page at a time: "Older entries" follows the log's own cursor (`?before=`), so
 * a page neither repeats nor skips an entry written meanwhile, and "Newest entries" goes back to
 * the start. `?person=` keeps one person's entries (their Account history, linked from their
 * record): those they did and those done to them. Names are those the accounts hold now.
 */
import type { ComponentChildren } from 'preact';
import { AuditLogPage as AuditLogPageSchema, AuditLogQuery, type AuditEntry, type ProviderSetting } from '../../../shared/audit.js';
import { api } from '../api.js';
import { PageHeading, TableScroll, useApp, useFocusLater } from '../components.js';
import { formatDateTime, listOf, plural } from '../format.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { KeysetPagination } from '../pagination.js';

/** How many entries a page lists. */
const PAGE = 50;
const LOG = '/admin/audit-log';

const ROLE_LABEL = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' } as const;

/** The page's address: the log, one person's entries, from a cursor on. */
export function auditLogHref({ person, before }: { person?: string | null; before?: string | null } = {}) {
  const p = new URLSearchParams();
  if (person) p.set('person', person);
  if (before) p.set('before', before);
  return p.size ? `${LOG}?${p}` : LOG;
}

const orgName = (o: { name: string | null }) => o.name ?? 'an organisation no longer listed';

/** What was done, in plain English ("Changed role from Staff to School office and moved from Riverside Primary to Hilltop"). */
export function whatWasDone(e: AuditEntry): string {
  switch (e.action) {
    case 'change_placement': {
      const { role, organisation } = e.detail;
      const parts: string[] = [];
      if (role.from !== role.to) parts.push(`changed role from ${ROLE_LABEL[role.from]} to ${ROLE_LABEL[role.to]}`);
      const [from, to] = [organisation.from, organisation.to];
      if ((from?.id ?? null) !== (to?.id ?? null)) parts.push(from && to ? `moved from ${orgName(from)} to ${orgName(to)}` : to ? `moved to ${orgName(to)}` : `took them out of ${orgName(from!)}`);
      const words = parts.join(' and ') || 'changed role or organisation';
      return words[0]!.toUpperCase() + words.slice(1);
    }
    case 'rectify_personal_data': {
      if (!e.detail) return 'Put right their name or email';
      // From and to where the person's former details still say (erasing them removes those): plain text, never markup.
      const changed = e.changed;
      const parts = e.detail.fields.map((f) => {
        const c = changed?.[f];
        return c ? `${f} from “${c.from}” to “${c.to}”` : f;
      });
      return `Put right their ${listOf(parts)}`;
    }
    case 'disable_account':
      return 'Turned the account off';
    case 'enable_account':
      return 'Turned the account on';
    case 'grant_captioner':
      return 'Made them a captioner';
    case 'revoke_captioner':
      return 'Stopped them being a captioner';
    case 'send_password_reset':
      return 'Sent a password reset link';
    case 'erase_personal_data':
      return 'Erased their personal data';
    case 'export_personal_data':
      return 'Downloaded a copy of their data';
    case 'add_identity_provider':
      return `Added the identity provider “${e.detail.label}”`;
    case 'change_identity_provider':
      return `Changed the identity provider’s ${listOf(e.detail.fields.map((f) => PROVIDER_SETTING_WORDS[f]))}`;
    case 'remove_identity_provider':
      return `Removed the identity provider “${e.detail.label}”`;
    case 'require_own_sign_in':
      return 'Required its staff to sign in with their school account';
    case 'stop_requiring_own_sign_in':
      return 'Stopped requiring its staff to sign in with their school account';
  }
}

/** An identity provider's settings in the words its form labels them with. */
const PROVIDER_SETTING_WORDS: Record<ProviderSetting, string> = {
  label: 'button text',
  clientId: 'client ID',
  clientSecret: 'client secret',
  orgDomains: 'email domains',
  orgClaim: 'organisation claim',
  orgClaimScope: 'which organisations its claim may name',
};

/**
 * A person an entry names, by name and where they now are, their organisation or else their
 * role ("Grace Okafor (Riverside Primary)", "Grace Okafor (Trainer)"), so that people of one
 * name are told apart, also by a screen reader listing the page's links; linked to their record.
 */
export function personWords(p: { name: string | null; orgName?: string | null; role?: keyof typeof ROLE_LABEL | null }): string {
  if (p.name === null) return 'Someone no longer found';
  const where = p.orgName ?? (p.role ? ROLE_LABEL[p.role] : null);
  return where ? `${p.name} (${where})` : p.name;
}

function Person({ person }: { person: { id: string; name: string | null; orgName?: string | null; role?: keyof typeof ROLE_LABEL | null } }) {
  if (person.name === null) return <>{personWords(person)}</>;
  return <Link href={`/admin/people/${encodeURIComponent(person.id)}`}>{personWords(person)}</Link>;
}

/** Whose account (or which organisation or identity provider) it was done to: a person's links to their record. */
function Subject({ subject }: { subject: AuditEntry['subject'] }) {
  if (subject.kind === 'person') return <Person person={subject} />;
  if (subject.kind === 'organisation') return <>{subject.name === null ? 'An organisation no longer listed' : `${subject.name} (organisation)`}</>;
  return <>{subject.name === null ? 'An identity provider since removed' : `${subject.name} (identity provider)`}</>;
}

export function AuditLogPage() {
  const { loc } = useApp();
  // What the address asks for; anything the log would refuse (an edited address) is said, not sent.
  const asked = AuditLogQuery.safeParse({ person: loc.query.get('person') || undefined, before: loc.query.get('before') || undefined, limit: PAGE });
  const person = loc.query.get('person') || null;
  const before = loc.query.get('before') || null;
  // The page in view stays while the next loads: it carries what it was found for, so its words describe it.
  const state = useLoad(async () => {
    if (!asked.success) throw new Error('bad address');
    const q = asked.data;
    const found = await api(`/api/audit-log?${new URLSearchParams({ limit: String(q.limit), ...(q.person ? { person: q.person } : {}), ...(q.before && before ? { before } : {}) })}`, AuditLogPageSchema);
    return { ...found, asked: { person, before } };
  }, [person, before]);
  const focusLater = useFocusLater();
  /** After following a link of the page's own, focus goes where the new entries begin (the link may be gone), as Pagination's do. */
  const focusOn = (id: string) => () => focusLater(() => document.getElementById(id), { force: true });

  const d = state.data?.asked.person === person ? state.data : undefined;
  // An id no account has (a mistyped or old link): said plainly, with the ways back, and no log.
  const nobody = !!d?.person && d.person.name === null;
  const whoseName = d?.person?.name ?? null;
  const title = nobody ? 'Person not found' : person ? (whoseName ? `Account history: ${whoseName}` : 'Account history') : 'Audit log';

  let count: ComponentChildren = '';
  if (state.data && state.data.asked.person === person && state.data.asked.before === before) {
    const n = state.data.items.length;
    const older = state.data.asked.before !== null;
    const about = whoseName ? ` by or about ${whoseName}` : '';
    count =
      n === 0
        ? older
          ? 'There are no older entries.'
          : person
            ? `Nothing has been recorded${about} yet.`
            : 'Nothing has been recorded in the audit log yet.'
        : `${older ? `${plural(n, 'older entry', 'older entries')}` : state.data.next ? `The ${n} newest entries` : plural(n, 'entry', 'entries')}${about}, newest first.${state.data.next ? ' Older entries follow on the next page.' : older ? ' These are the oldest.' : ''}`;
  }

  /** "Newest entries" and "Older entries" for the page in view (`where`: above or below its table, when two). */
  const pagination = (data: { asked: { person: string | null; before: string | null }; next: string | null }, where?: 'above' | 'below') => (
    <KeysetPagination
      label={`${person ? 'Pages of the account history' : 'Pages of the audit log'}${where ? `, ${where} the table` : ''}`}
      first={data.asked.before ? auditLogHref({ person: data.asked.person }) : null}
      firstLabel="Newest entries"
      next={data.next ? auditLogHref({ person: data.asked.person, before: data.next }) : null}
      nextLabel="Older entries"
      resultsId="audit-count"
    />
  );

  return (
    <>
      <PageHeading title={title} navigated={loc.navigated} error={nobody || !asked.success || (!!state.error && !state.data)}>
        {title}
      </PageHeading>
      {nobody ? (
        <p role="alert">
          No one with this link was found. <Link href="/admin/people">Find them in People</Link>, or read <Link href={LOG}>the whole audit log</Link>.
        </p>
      ) : (
        <>
          {person ? (
            <p class="back">
              <Link href={LOG} onClick={focusOn('audit-count')}>
                The whole audit log
              </Link>
            </p>
          ) : null}
          <p class="hint">
            {person ? 'What they did, and what was done to their account, newest first.' : 'Who did what to whose account, newest first: roles and organisations changed, accounts turned off and on, captioners, password reset links sent, names and email addresses put right, personal data downloaded or erased, identity providers added, changed or removed, and organisations made to require their own sign-in or no longer.'}{' '}
            Names are as the accounts now hold them, with each person’s organisation (or, without one, their role) as it now is: someone whose personal data was erased shows as “Erased person”.
          </p>
          {!asked.success ? (
            <div role="alert" class="notice notice-error">
              <p>
                This address does not name a person or a place in the audit log. <Link href={LOG}>Go to the newest entries</Link>.
              </p>
            </div>
          ) : (
            <>
              {/* In the page before the entries load, so the count is read out when it arrives; following Older or Newest entries focuses it. */}
              <p role="status" class="count" id="audit-count" tabIndex={-1}>
                {count}
              </p>
              <Loaded state={state} what="the audit log">
                {(data) => (
                  <>
                    {/* Above the table too (as Mail's): a keyboard user need not pass 50 rows to turn the page. */}
                    {data.items.length > 0 && pagination(data, 'above')}
                    {data.items.length > 0 && (
                      <TableScroll label={person ? 'Account history' : 'Audit log'}>
                        <table class="stack">
                          <caption class="visually-hidden">{title}, newest first</caption>
                          <thead>
                            <tr>
                              <th scope="col">When</th>
                              <th scope="col">Who</th>
                              <th scope="col">What</th>
                              <th scope="col">Done to</th>
                            </tr>
                          </thead>
                          <tbody>
                            {data.items.map((e) => (
                              <tr key={e.id}>
                                <th scope="row" data-label="When">
                                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                                </th>
                                {/* Whole words side by side ("Administrator" was broken to fit a narrow column); stacked, a long name wraps anywhere (trainer.css). */}
                                <td data-label="Who">
                                  <Person person={e.actor} />
                                </td>
                                <td data-label="What">{whatWasDone(e)}</td>
                                <td data-label="Done to">
                                  <Subject subject={e.subject} />
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </TableScroll>
                    )}
                    {pagination(data, data.items.length > 0 ? 'below' : undefined)}
                  </>
                )}
              </Loaded>
            </>
          )}
        </>
      )}
    </>
  );
}
