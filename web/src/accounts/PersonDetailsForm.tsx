/**
 * Putting a person's name or email address right, for those who manage them (administrators
 * on People; a school office on Staff accounts, for its staff): a misspelt name is printed on
 * every certificate, and a school that moves to a new email domain needs its staff's notices
 * and sign-in links to follow. The account stays, with its bookings and training history.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_PERSON_NAME_CHARS, PersonChanged, UpdateUserInput, type User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { apiIssues, ErrorSummary, errorFor, lengthHint, TextField, tooLongError, toFieldErrors, useApp, type FieldError } from '../components.js';
import { ActionButton, ActionError, useAction } from '../load.js';

const NAME_HINT = 'As it is printed on their certificates.';
const EMAIL_HINT = 'Sign-in links, notices and calendar invites go to this address. Links already sent to the old address stop working. If they sign in with their school account, that goes on working while the school’s sign-in is set up for the new address.';

/**
 * The form, opened from the person's card. Checked first by the schema the server checks it by
 * (UpdateUserInput): each problem beside its field and in the summary above, which takes focus;
 * an address another account has is said by the email field. Once saved, the page says what
 * changed (`onChanged`), and focus stays on the button pressed, as after saving a job role.
 */
export function PersonDetailsForm({ person, onChanged }: { person: User; onChanged: (p: User, message: ComponentChildren) => void }) {
  const { me, setMe } = useApp();
  const [name, setName] = useState(person.name);
  const [email, setEmail] = useState(person.email);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const save = useAction();
  const id = (k: string) => `${k}-${person.id}`;
  const fields = { name: { id: id('details-name'), label: 'Full name' }, email: { id: id('details-email'), label: 'Email address' } };
  const saveId = id('save-details');

  async function submit(e: Event) {
    e.preventDefault();
    if (save.busy) return;
    const parsed = UpdateUserInput.safeParse({ name, email });
    // A name too long is said with its limit (the schema's own words for it are zod's).
    const nameTooLong = tooLongError(fields.name.label, name, MAX_PERSON_NAME_CHARS);
    const found = parsed.success ? [] : toFieldErrors(parsed.error.issues, fields, fields.name).map((f) => (f.field === fields.name.id && nameTooLong ? { ...f, message: nameTooLong } : f));
    setErrors(found);
    if (!parsed.success) return;
    const before = person;
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await save.run(async () => {
      let next: PersonChanged;
      try {
        next = await api(`/api/users/${encodeURIComponent(before.id)}`, PersonChanged, { method: 'PATCH', body: { name: parsed.data.name, email: parsed.data.email } });
      } catch (err) {
        // Problems with what was typed go beside their fields; anything else is the action's error, with "Try again".
        if (err instanceof ApiError && err.code === 'email_taken') {
          setErrors([{ field: fields.email.id, message: 'Email address: this address already belongs to another account. Use a different one.' }]);
          return;
        }
        const issues = apiIssues(err);
        if (issues.length) {
          setErrors(toFieldErrors(issues, fields, fields.name));
          return;
        }
        throw err;
      }
      // As stored: the name trimmed, the address in lower case.
      setName(next.name);
      setEmail(next.email);
      // Their own details (an administrator's): the rest of the site shows them as they now are.
      if (next.id === me.id) setMe({ ...me, name: next.name, email: next.email });
      onChanged(next, detailsSaved(before, next));
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Name and email address of ${person.name}`}>
      <ErrorSummary errors={errors} level={3} titleId={id('details-summary')} />
      <TextField id={fields.name.id} label={fields.name.label} hint={[NAME_HINT, lengthHint(name, MAX_PERSON_NAME_CHARS)].filter(Boolean).join(' ')} autoComplete="off" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, fields.name.id)} />
      <TextField id={fields.email.id} label={fields.email.label} hint={EMAIL_HINT} type="email" autoComplete="off" spellcheck={false} value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, fields.email.id)} />
      {/* "Try again" goes back to the button, where focus stays after a save that works first time. */}
      <ActionError action={save} focusTo={() => document.getElementById(saveId)} />
      <ActionButton id={saveId} class="button button-secondary" busy={save.busy} busyLabel="Saving…">
        Save name and email<span class="visually-hidden"> for {person.name}</span>
      </ActionButton>
    </form>
  );
}

/** What a save did, in words for the page's message. */
export function detailsSaved(before: Pick<User, 'name' | 'email'>, after: Pick<User, 'name' | 'email'>): string {
  const renamed = after.name !== before.name;
  const readdressed = after.email !== before.email;
  if (!renamed && !readdressed) return `Nothing was changed: ${after.name}’s name and email address are as they were.`;
  const said = renamed ? `${before.name} is now ${after.name}` : `${after.name}’s email address is now ${after.email}`;
  const also = renamed && readdressed ? `, and their email address is now ${after.email}` : '';
  const links = readdressed ? ' Sign-in links and password reset links sent to the old address no longer work.' : '';
  const certificates = renamed ? ' Certificates they download from now on show the new name.' : '';
  return `Saved. ${said}${also}.${links}${certificates}`;
}
