/**
 * The "email me a link" form both signed-out pages use (a password reset link, a sign-in
 * link): checks the address, posts it once at a time, and keeps the server's answer (which
 * never says whether the address has an account) or the error beside the field.
 *
 * The address is asked for once (WCAG 3.3.7, redundant entry): the one typed on the sign-in
 * page fills in the field of "Forgot your password?" and "Email me a sign-in link" (and the
 * other way round, back to sign in), and "ask again" brings the form back with the address
 * sent to, focus on it. It is kept in this module only, for in-app navigation: nowhere in the
 * address, nothing stored, and it is forgotten once someone has signed in.
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { api } from '../api.js';
import { messageOf, useFocusLater, type FieldError } from '../components.js';

let rememberedEmail = '';
/** The email address last typed on a sign-in page (sign in, forgot password, sign-in link), to fill in the next one. */
export const rememberedEmailAddress = () => rememberedEmail;
/** Keeps (or with '', forgets) the address typed, for the next signed-out page that asks for it. */
export function rememberEmailAddress(email: string) {
  rememberedEmail = email.trim();
}

/**
 * `sentId` is the id of the page's Status that says the link was sent: it takes focus then, as
 * the form it replaces had it. `extra` is sent along with the address (a sign-in link's `next`).
 */
export function useEmailRequest(path: string, input: z.ZodType<{ email: string }>, answer: z.ZodType<{ message: string }>, sentId: string, extra: Record<string, string> = {}) {
  const focusLater = useFocusLater();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sent, setSent] = useState('');
  const [busy, setBusy] = useState(false);
  /** The address to show in the field when the form is drawn (again). */
  const [email, setEmail] = useState(rememberedEmail);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const typed = String(form.get('email') ?? '');
    rememberEmailAddress(typed);
    setEmail(typed);
    const parsed = input.safeParse({ ...extra, email: typed });
    if (!parsed.success) {
      setErrors([{ field: 'email', message: 'Enter an email address like name@school.org.uk' }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    try {
      const r = await api(path, answer, { method: 'POST', body: parsed.data, quiet401: true });
      setSent(r.message);
      focusLater(() => document.getElementById(sentId));
    } catch (err) {
      setErrors([{ field: 'email', message: messageOf(err) }]);
    } finally {
      setBusy(false);
    }
  }

  /** Back to the form, to ask again: the address sent to is in it, and takes focus (the link pressed has gone). */
  const again = () => {
    setSent('');
    focusLater(() => document.getElementById('email'));
  };
  /** Props for the form's email field: what was typed before, kept as it is typed. */
  const emailField = { defaultValue: email, onInput: (e: Event) => rememberEmailAddress((e.currentTarget as HTMLInputElement).value) };
  return { errors, sent, busy, submit, again, emailField };
}
