import { z } from 'zod';
import { PARENT_KINDS } from '../../../shared/accounts.js';
import { LeadOrgs, type AudienceInput } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { described, errorFor, Field, useApp, type FieldError } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { OrgSearchPicker } from '../orgs.js';

export type AudienceKind = AudienceInput['kind'];
/** The form's audience: a kind, and the organisation chosen for an in-house session ('' none yet). */
export interface AudienceValue {
  kind: AudienceKind;
  orgId: string;
}
export const PROGRAMME: AudienceValue = { kind: 'programme', orgId: '' };

/** The audience to send, or the field's problem. */
export function audienceInput(v: AudienceValue): AudienceInput | FieldError {
  if (v.kind === 'programme') return { kind: 'programme' };
  if (!v.orgId) return { field: 'audience-org', message: v.kind === 'trust' ? 'Choose the trust or local authority' : 'Choose the organisation' };
  return { kind: v.kind, orgId: v.orgId };
}

const KINDS: [AudienceKind, string][] = [
  ['programme', 'Everyone in the programme'],
  ['organisation', 'One organisation’s staff only (in-house)'],
  ['trust', 'A trust or local authority and all its schools (in-house)'],
];

/**
 * Who a session is for. People outside an in-house session's organisation or trust never see
 * it. Trainers and administrators may choose any organisation in the country; an in-house lead
 * chooses among their own (LeadAudienceField).
 */
export function AudienceField({ value, onChange, errors, chosenName }: { value: AudienceValue; onChange: (v: AudienceValue) => void; errors: FieldError[]; chosenName?: { orgId: string; name: string } }) {
  const { me } = useApp();
  const lead = me.role !== 'trainer' && me.role !== 'admin';
  if (lead) return <LeadAudienceField value={value} onChange={onChange} errors={errors} />;
  const error = errorFor(errors, 'audience-org');
  return (
    <>
      <AudienceKinds kinds={KINDS} value={value} onChange={onChange} />
      {value.kind !== 'programme' && (
        // Found by name or URN.
        <OrgSearchPicker key={value.kind} id="audience-org" label={labelOf(value)} noneLabel="Choose…" kinds={value.kind === 'trust' ? PARENT_KINDS : undefined} value={value.orgId} chosenName={chosenName && chosenName.orgId === value.orgId ? chosenName.name : undefined} onChange={(orgId) => onChange({ ...value, orgId })} error={error} />
      )}
    </>
  );
}

const labelOf = (v: AudienceValue) => (v.kind === 'trust' ? 'Trust or local authority' : 'Organisation');

/** The choice of kind of audience, among `kinds`. */
function AudienceKinds({ kinds, value, onChange }: { kinds: [AudienceKind, string][]; value: AudienceValue; onChange: (v: AudienceValue) => void }) {
  return (
    <fieldset class="field">
      <legend>Who is it for</legend>
      <p class="hint" id="audience-hint">
        An in-house session does not appear for anyone outside the organisation or trust.
      </p>
      <div class="radios">
        {kinds.map(([k, label]) => (
          <div class="radio" key={k}>
            <input type="radio" id={`audience-${k}`} name="audience" value={k} aria-describedby="audience-hint" checked={value.kind === k} onChange={() => onChange({ kind: k, orgId: '' })} />
            <label for={`audience-${k}`}>{label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

type LeadOrg = z.infer<typeof LeadOrgs>['items'][number];

/**
 * What an in-house lead may choose for an audience of `kind`: the organisations they lead and
 * every one under them, each named with the one it sits under ("Hill Primary (Oak Trust)");
 * for "trust", only those with schools of their own (as the server's list says: GET
 * /api/me/lead-orgs).
 */
function leadChoices(items: LeadOrg[], kind: AudienceKind): { id: string; name: string }[] {
  if (kind === 'programme') return [];
  const led = kind === 'trust' ? items.filter((o) => o.trust) : items;
  // Under what they lead: for "trust", those with schools of their own (a local authority's trusts).
  const schools = items.flatMap((o) => o.schools.filter((s) => kind !== 'trust' || s.trust).map((s) => ({ id: s.id, name: `${s.name} (${s.partOf})` })));
  return [...led, ...schools].filter((o, i, all) => all.findIndex((x) => x.id === o.id) === i).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * An in-house lead's choice: never the whole programme, and a kind of audience only when they
 * lead something of that kind. A lead of one school is not offered a trust-wide session with
 * no trust to choose. The kind the session is for already (editing it) stays shown.
 */
function LeadAudienceField({ value, onChange, errors }: { value: AudienceValue; onChange: (v: AudienceValue) => void; errors: FieldError[] }) {
  const orgs = useLoad(() => api('/api/me/lead-orgs', LeadOrgs).then((r) => r.items), []);
  const error = errorFor(errors, 'audience-org');
  return (
    <Loaded state={orgs} what="the organisations">
      {(items) => {
        const kinds = KINDS.filter(([k]) => k === value.kind || leadChoices(items, k).length > 0);
        const choices = leadChoices(items, value.kind);
        return (
          <>
            <AudienceKinds kinds={kinds} value={value} onChange={onChange} />
            {value.kind !== 'programme' && (
              <Field id="audience-org" label={labelOf(value)} error={error}>
                <select id="audience-org" name="audience-org" value={value.orgId} {...described('audience-org', undefined, error)} onChange={(e) => onChange({ ...value, orgId: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="">Choose…</option>
                  {choices.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </>
        );
      }}
    </Loaded>
  );
}
