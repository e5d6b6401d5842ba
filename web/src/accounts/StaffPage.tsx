/** Office staff: the people of their own organisation, with their staff's accounts turned off or on. */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { User } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { PageHeading, Status, useApp } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link, navigate } from '../router.js';
import { OfficeOrgGate, SchoolForm, type Org } from '../orgs.js';
import { PersonCard } from './PersonCard.js';
import { personTimetableHref } from '../timetable/PersonTimetablePage.js';

const People = z.object({ items: z.array(User) });

/** Office staff: the people of an organisation they book for (a trust's office chooses one of its schools). */
export function StaffPage() {
  return <OfficeOrgGate title="Staff accounts">{(orgId, orgs) => <StaffOf key={orgId} orgId={orgId} orgs={orgs} />}</OfficeOrgGate>;
}

function StaffOf({ orgId, orgs }: { orgId: string; orgs: Org[] }) {
  const { me, loc } = useApp();
  const orgName = orgs.find((o) => o.id === orgId)?.name ?? me.orgName;
  const people = useLoad(() => api(`/api/orgs/${encodeURIComponent(orgId)}/users`, People), [orgId]);
  const leads = useLoad(() => api(`/api/orgs/${encodeURIComponent(orgId)}/leads`, z.object({ items: z.array(z.object({ userId: z.string() })) })).then((r) => r.items.map((l) => l.userId)), [orgId]);
  const [message, setMessage] = useState('');
  return (
    <>
      <PageHeading title="Staff accounts" navigated={loc.navigated}>
        Staff accounts
      </PageHeading>
      <SchoolForm id="staff-org" label="Organisation" orgs={orgs} value={orgId} onChoose={(id) => navigate(`/office/people?org=${encodeURIComponent(id)}`)} />
      <p>
        <Link href={`/office/people/import?org=${encodeURIComponent(orgId)}`}>Import staff from a spreadsheet (CSV)</Link>
      </p>
      <p>Everyone in {orgName ?? 'your organisation'}. Turn off the account of someone who has left: they are signed out at once and cannot sign in again until you turn it back on, and their places on sessions still to come go to others. An in-house lead can publish and run training sessions for your organisation's staff only.</p>
      <Status message={message} />
      <Loaded state={people} what="your organisation's people">
        {(data) => (
          <ul class="plain cards" aria-label="People">
            {data.items.map((p) => (
              <PersonCard
                key={p.id}
                person={p}
                canDisable={p.role === 'staff' && p.id !== me.id}
                canSetCaptioner={false}
                timetableHref={p.role === 'staff' || p.role === 'office' ? personTimetableHref(me, { id: p.id, orgId }) : undefined}
                lead={
                  leads.data
                    ? {
                        orgId,
                        isLead: leads.data.includes(p.id),
                        onChanged: (on, m) => {
                          leads.set(on ? [...(leads.data ?? []), p.id] : (leads.data ?? []).filter((id) => id !== p.id));
                          setMessage(m);
                        },
                      }
                    : undefined
                }
                onChanged={(next, m) => {
                  people.set({ items: data.items.map((x) => (x.id === next.id ? next : x)) });
                  setMessage(m);
                }}
              />
            ))}
          </ul>
        )}
      </Loaded>
    </>
  );
}
