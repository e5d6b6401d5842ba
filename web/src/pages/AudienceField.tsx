import { z } from 'zod';
import { Organisation } from '../../../shared/accounts.js';
import type { AudienceInput } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { described, errorFor, Field, useApp, type FieldError } from '../components.js';
import { Loaded, useLoad } from '../load.js';

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
 * it. `orgIds`, when given, limits the choice (an in-house lead's own organisations).
 */
export function AudienceField({ value, onChange, errors }: { value: AudienceValue; onChange: (v: AudienceValue) => void; errors: FieldError[] }) {
  const { me } = useApp();
  const lead = me.role !== 'trainer' && me.role !== 'admin';
  // An in-house lead chooses among the organisations they lead (and a trust's schools are its own staff's choice of "trust").
  const orgs = useLoad(
    () =>
      lead
        ? api('/api/me/lead-orgs', z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), trust: z.boolean() })) })).then((r) => r.items.map((o) => ({ id: o.id, name: o.name, parentId: null, trust: o.trust })))
        : api('/api/orgs', z.object({ items: z.array(Organisation) })).then((r) => r.items.map((o) => ({ id: o.id, name: o.name, parentId: o.parentId, trust: false }))),
    [lead],
  );
  const kinds = lead ? KINDS.filter(([k]) => k !== 'programme') : KINDS;
  const error = errorFor(errors, 'audience-org');
  return (
    <>
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
      {value.kind !== 'programme' && (
        <Loaded state={orgs} what="the organisations">
          {(items) => {
            const parents = new Set(items.map((o) => o.parentId).filter((id): id is string => !!id));
            const choices = (value.kind === 'trust' ? items.filter((o) => o.trust || parents.has(o.id)) : items).slice().sort((a, b) => a.name.localeCompare(b.name));
            const label = value.kind === 'trust' ? 'Trust or local authority' : 'Organisation';
            return (
              <Field id="audience-org" label={label} error={error}>
                <select id="audience-org" name="audience-org" value={value.orgId} {...described('audience-org', undefined, error)} onChange={(e) => onChange({ ...value, orgId: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="">Choose…</option>
                  {choices.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </Field>
            );
          }}
        </Loaded>
      )}
    </>
  );
}
