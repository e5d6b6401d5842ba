/**
 * The two ways to add one's own material: upload a file (sent as it is; the server checks
 * what it is and its size) or add a link. Used by the course library (administrators) and a
 * session's materials (its trainer or in-house lead).
 */
import { useEffect, useState } from 'preact/hooks';
import { LinkInput, Material, UploadQuery } from '../../../shared/materials.js';
import { api, ApiError } from '../api.js';
import { apiIssues, ErrorSummary, errorFor, lengthHint, messageOf, TextField, toFieldErrors, tooLongError, type FieldError } from '../components.js';
import { ActionButton, ActionError, useAction } from '../load.js';
import { sizeText } from './MaterialItem.js';

/** The limits of a material's title and a link's address: the shared schemas', which the service keeps. */
const MAX_UPLOAD_TITLE_CHARS = UploadQuery.shape.title.unwrap().maxLength!;
const MAX_LINK_TITLE_CHARS = LinkInput.shape.title.maxLength!;
const MAX_URL_CHARS = LinkInput.shape.url.maxLength!;

export const ACCEPT = '.pdf,.docx,.pptx,.xlsx,.dotx,.potx,.ppsx,.xltx,.png,.jpg,.jpeg,.mp4,.txt,.csv,.md';

/** The site's upload limit in words: "20 MB" (MATERIAL_MAX_MB is whole megabytes), else as sizes are shown. */
export function limitText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : sizeText(bytes);
}

/**
 * Upload a file. `maxBytes` is the site's limit, as the server tells it with the materials
 * list (MATERIAL_MAX_MB): the hint says it, and a larger file is refused here before it is
 * sent. A file the server refuses (its kind, its size, empty) is said beside the File field,
 * with a summary that takes focus, as every form says what was wrong; anything else (the
 * service unreachable, say) is an action error with "Try uploading again". The page's title
 * says "Error:" while the form shows errors (`onErrors`).
 */
export function UploadForm({ idPrefix, path, maxBytes, onAdded, onErrors }: { idPrefix: string; path: string; maxBytes: number; onAdded: (m: Material) => Promise<void> | void; onErrors?: (shown: boolean) => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  useErrorsReported(errors, onErrors);
  const [title, setTitle] = useState('');
  const action = useAction();
  const fileId = `${idPrefix}-file`;
  const titleId = `${idPrefix}-title`;
  const limit = limitText(maxBytes);
  const tooLarge = (name: string) => `${name} is larger than ${limit}, the most a file may be. Choose a smaller file, or add a link to it instead.`;

  /** The server's refusal of what was sent, as field errors; null for failures that are not about the file or its title. */
  function refusal(err: unknown, name: string): FieldError[] | null {
    if (!(err instanceof ApiError)) return null;
    if (err.status === 413) return [{ field: fileId, message: tooLarge(name) }];
    if (err.status === 415) return [{ field: fileId, message: messageOf(err) }];
    const issues = apiIssues(err);
    if (!issues.length) return null;
    if (issues.some((i) => i.path === 'file')) return [{ field: fileId, message: messageOf(err) }];
    return toFieldErrors(issues, { name: { id: fileId, label: 'The file’s name' }, title: { id: titleId, label: 'Title' } }, { id: fileId, label: 'File' });
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (action.busy) return;
    const form = e.currentTarget as HTMLFormElement;
    const chosen = new FormData(form).get(fileId);
    const file = chosen instanceof File && chosen.name ? chosen : null;
    const titleTooLong = tooLongError('Title', title, MAX_UPLOAD_TITLE_CHARS);
    if (!file || titleTooLong) {
      const found: FieldError[] = [];
      if (!file) found.push({ field: fileId, message: 'Choose a file to upload.' });
      if (titleTooLong) found.push({ field: titleId, message: titleTooLong });
      setErrors(found);
      return;
    }
    if (file.size > maxBytes) {
      setErrors([{ field: fileId, message: tooLarge(file.name) }]);
      return;
    }
    setErrors([]);
    const query = new URLSearchParams({ name: file.name });
    if (title.trim()) query.set('title', title.trim());
    await action.run(async () => {
      let m: Material;
      try {
        m = await api(`${path}?${query}`, Material, { method: 'POST', file });
      } catch (err) {
        const refused = refusal(err, file.name);
        if (!refused) throw err;
        setErrors(refused);
        return;
      }
      form.reset();
      setTitle('');
      await onAdded(m);
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h3 id={`${idPrefix}-heading`}>Upload a file</h3>
      <ErrorSummary errors={errors} titleId={`${idPrefix}-upload-summary`} level={4} />
      <TextField id={fileId} label="File" type="file" accept={ACCEPT} hint={`PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text, up to ${limit}.`} error={errorFor(errors, fileId)} />
      <TextField
        id={titleId}
        label="Title (optional)"
        value={title}
        error={errorFor(errors, titleId)}
        onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
        hint={['Leave empty to use the file’s name.', lengthHint(title, MAX_UPLOAD_TITLE_CHARS)].filter(Boolean).join(' ')}
      />
      {/* "Try again" ends where a first upload does: on "Upload file", which stays. */}
      <ActionError action={action} retryLabel="Try uploading again" focusTo={() => document.getElementById(`${idPrefix}-upload`)} />
      <ActionButton id={`${idPrefix}-upload`} busy={action.busy} busyLabel="Uploading…">
        Upload file
      </ActionButton>
    </form>
  );
}

/**
 * Add a link. What is wrong (no title, an address that is not http(s)) is said beside its
 * field, with a summary that takes focus, as in the upload form; the page's title says
 * "Error:" meanwhile (`onErrors`).
 */
export function LinkForm({ idPrefix, path, onAdded, onErrors }: { idPrefix: string; path: string; onAdded: (m: Material) => Promise<void> | void; onErrors?: (shown: boolean) => void }) {
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  useErrorsReported(errors, onErrors);
  const action = useAction();
  const titleId = `${idPrefix}-link-title`;
  const urlId = `${idPrefix}-url`;
  const badUrl = { field: urlId, message: 'Enter a web address starting with https:// or http://' };

  async function submit(e: Event) {
    e.preventDefault();
    if (action.busy) return;
    const titleTooLong = tooLongError('Link title', title, MAX_LINK_TITLE_CHARS);
    const urlTooLong = tooLongError('Web address', url, MAX_URL_CHARS);
    const parsed = LinkInput.safeParse({ title: title.trim(), url: url.trim() });
    if (titleTooLong || urlTooLong || !parsed.success) {
      const found: FieldError[] = [];
      const issues = parsed.success ? [] : parsed.error.issues;
      if (titleTooLong) found.push({ field: titleId, message: titleTooLong });
      else if (issues.some((i) => i.path[0] === 'title')) found.push({ field: titleId, message: 'Enter a title.' });
      if (urlTooLong) found.push({ field: urlId, message: urlTooLong });
      else if (issues.some((i) => i.path[0] === 'url')) found.push(badUrl);
      setErrors(found);
      return;
    }
    setErrors([]);
    await action.run(async () => {
      try {
        const m = await api(path, Material, { method: 'POST', body: parsed.data });
        setTitle('');
        setUrl('');
        await onAdded(m);
      } catch (err) {
        if (apiIssues(err).some((i) => i.path === 'url')) {
          setErrors([badUrl]);
          return;
        }
        throw err;
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-link-heading`}>
      <h3 id={`${idPrefix}-link-heading`}>Add a link</h3>
      <ErrorSummary errors={errors} titleId={`${idPrefix}-link-summary`} level={4} />
      <TextField id={titleId} label="Link title" value={title} hint={lengthHint(title, MAX_LINK_TITLE_CHARS)} error={errorFor(errors, titleId)} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      <TextField id={urlId} label="Web address" type="url" inputMode="url" value={url} hint={lengthHint(url, MAX_URL_CHARS)} error={errorFor(errors, urlId)} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      {/* "Try again" ends where a first add does: on "Add link", which stays. */}
      <ActionError action={action} retryLabel="Try adding the link again" focusTo={() => document.getElementById(`${idPrefix}-add-link`)} />
      <ActionButton id={`${idPrefix}-add-link`} busy={action.busy} busyLabel="Adding…">
        Add link
      </ActionButton>
    </form>
  );
}

/**
 * Tells the page whether a form shows errors (`onErrors`), so its title starts "Error:" as
 * every form's page does (PageHeading's `error`); told false again when the form goes.
 */
function useErrorsReported(errors: FieldError[], onErrors?: (shown: boolean) => void) {
  const shown = errors.length > 0;
  useEffect(() => {
    if (!shown) return;
    onErrors?.(true);
    return () => onErrors?.(false);
  }, [shown]);
}

/**
 * For a page holding add forms: whether any of them shows errors (for PageHeading's
 * `error`), and the `onErrors` to give each, by a name of its own.
 */
export function useFormsWithErrors(): { any: boolean; report: (form: string) => (shown: boolean) => void } {
  const [withErrors, setWithErrors] = useState<ReadonlySet<string>>(new Set());
  const report = (form: string) => (shown: boolean) =>
    setWithErrors((was) => {
      if (was.has(form) === shown) return was;
      const next = new Set(was);
      if (shown) next.add(form);
      else next.delete(form);
      return next;
    });
  return { any: withErrors.size > 0, report };
}
