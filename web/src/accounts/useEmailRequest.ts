/**
 * The "email me a link" form both signed-out pages use (a password reset link, a sign-in
 * link): checks the address, posts it once at a time, and keeps the server's answer (which
 * never says whether the address has an account) or the error beside the field.
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { api } from '../api.js';
import { messageOf, useFocusLater, type FieldError } from '../components.js';

/** `sentId` is the id of the page's Status that says the link was sent: it takes focus then, as the form it replaces had it. */
export function useEmailRequest(path: string, input: z.ZodType<{ email: string }>, answer: z.ZodType<{ message: string }>, sentId: string) {
  const focusLater = useFocusLater();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sent, setSent] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const parsed = input.safeParse({ email: String(form.get('email') ?? '') });
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

  /** Back to the form, to ask again. */
  const again = () => setSent('');
  return { errors, sent, busy, submit, again };
}
