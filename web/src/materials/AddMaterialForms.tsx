/**
 * The two ways to add one's own material: upload a file (sent as it is; the server checks
 * what it is and its size) or add a link. Used by the course library (administrators) and a
 * session's materials (its trainer or in-house lead).
 */
import { useState } from 'preact/hooks';
import { LinkInput, Material } from '../../../shared/materials.js';
import { api } from '../api.js';
import { apiIssues, TextField } from '../components.js';
import { ActionButton, ActionError, useAction } from '../load.js';

export const ACCEPT = '.pdf,.docx,.pptx,.xlsx,.dotx,.potx,.ppsx,.xltx,.png,.jpg,.jpeg,.mp4,.txt,.csv,.md';
const MAX_MB = 20;

export function UploadForm({ idPrefix, path, onAdded }: { idPrefix: string; path: string; onAdded: (m: Material) => Promise<void> | void }) {
  const [error, setError] = useState('');
  const [title, setTitle] = useState('');
  const action = useAction();
  const fileId = `${idPrefix}-file`;

  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    const form = e.currentTarget as HTMLFormElement;
    const chosen = new FormData(form).get(fileId);
    const file = chosen instanceof File && chosen.name ? chosen : null;
    if (!file) {
      setError('Choose a file to upload.');
      document.getElementById(fileId)?.focus();
      return;
    }
    if (file.size > MAX_MB * 1024 * 1024) {
      setError(`This file is larger than ${MAX_MB} MB. Choose a smaller file.`);
      document.getElementById(fileId)?.focus();
      return;
    }
    const query = new URLSearchParams({ name: file.name });
    if (title.trim()) query.set('title', title.trim());
    await action.run(async () => {
      const m = await api(`${path}?${query}`, Material, { method: 'POST', file });
      form.reset();
      setTitle('');
      await onAdded(m);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h3 id={`${idPrefix}-heading`}>Upload a file</h3>
      <TextField
        id={fileId}
        label="File"
        type="file"
        accept={ACCEPT}
        hint={`PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text, up to ${MAX_MB} MB.`}
        error={error || undefined}
      />
      <TextField id={`${idPrefix}-title`} label="Title (optional)" maxLength={200} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} hint="Leave empty to use the file’s name." />
      <ActionError action={action} retryLabel="Try uploading again" />
      <ActionButton busy={action.busy} busyLabel="Uploading…">
        Upload file
      </ActionButton>
    </form>
  );
}

export function LinkForm({ idPrefix, path, onAdded }: { idPrefix: string; path: string; onAdded: (m: Material) => Promise<void> | void }) {
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<{ title?: string; url?: string }>({});
  const action = useAction();

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = LinkInput.safeParse({ title: title.trim(), url: url.trim() });
    if (!parsed.success) {
      const next: { title?: string; url?: string } = {};
      for (const i of parsed.error.issues) {
        if (i.path[0] === 'title') next.title ??= 'Enter a title.';
        if (i.path[0] === 'url') next.url ??= 'Enter a web address starting with https:// or http://';
      }
      setErrors(next);
      document.getElementById(next.title ? `${idPrefix}-link-title` : `${idPrefix}-url`)?.focus();
      return;
    }
    setErrors({});
    await action.run(async () => {
      try {
        const m = await api(path, Material, { method: 'POST', body: parsed.data });
        setTitle('');
        setUrl('');
        await onAdded(m);
      } catch (err) {
        const url = apiIssues(err).find((i) => i.path === 'url');
        if (url) {
          setErrors({ url: 'Enter a web address starting with https:// or http://' });
          return;
        }
        throw err;
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-link-heading`}>
      <h3 id={`${idPrefix}-link-heading`}>Add a link</h3>
      <TextField id={`${idPrefix}-link-title`} label="Link title" maxLength={200} value={title} error={errors.title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      <TextField id={`${idPrefix}-url`} label="Web address" type="url" inputMode="url" maxLength={2000} value={url} error={errors.url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      <ActionError action={action} retryLabel="Try adding the link again" />
      <ActionButton busy={action.busy} busyLabel="Adding…">
        Add link
      </ActionButton>
    </form>
  );
}
