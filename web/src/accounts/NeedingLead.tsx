/**
 * Office staff, on Staff accounts: their organisation's own in-house sessions still to come
 * that no one can run now (their lead removed, moved or turned off, by anyone), each a link
 * to its page, where the office gives it to another lead (GiveToLead). Nothing while there
 * are none.
 */
import { SessionsNeedingLead as List } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { formatDateTime, plural } from '../format.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';

/** How many the panel names; the rest are counted. */
const NAMED = 10;

/** `version`: loaded again when it changes (a lead removed, an account turned off on the page). */
export function SessionsNeedingLead({ orgId, orgName, version }: { orgId: string; orgName: string; version: number }) {
  const state = useLoad(() => api(`/api/orgs/${encodeURIComponent(orgId)}/sessions-needing-lead?limit=${NAMED}`, List), [orgId, version]);
  if (!state.error && !state.data?.total) return null;
  return (
    <section class="panel" aria-labelledby="needing-lead-title">
      <h2 id="needing-lead-title">Sessions no one can run</h2>
      <Loaded state={state} what="the sessions no one can run">
        {(d) => (
          <>
            <p>
              {d.total === 1 ? 'This in-house session still to come has' : `These ${d.total} in-house sessions still to come have`} no one to run {d.total === 1 ? 'it' : 'them'}: whoever was running {d.total === 1 ? 'it' : 'them'} no longer leads in-house training for {orgName}, or their account is turned off. Open {d.total === 1 ? 'it' : 'each'} to give it to another in-house lead.
            </p>
            <ul class="link-list">
              {d.items.map((s) => (
                <li key={s.id}>
                  <Link href={`/sessions/${encodeURIComponent(s.id)}`}>{s.title}</Link> ({formatDateTime(s.startsAt)})
                </li>
              ))}
            </ul>
            {d.total > d.items.length && <p>And {plural(d.total - d.items.length, 'more')}: {d.total - d.items.length === 1 ? 'it is' : 'they are'} listed here as these are given to a lead.</p>}
          </>
        )}
      </Loaded>
    </section>
  );
}
