/** Building blocks every page shares: headings that take focus, live regions, errors, fields. */
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { Me } from '../../shared/accounts.js';
import { ApiError, downloadFile, type FieldIssue } from './api.js';
import type { Location } from './router.js';
import { formatDate, formatTimeRange } from './format.js';

export type MeValue = z.infer<typeof Me>;

export interface AppState {
  me: MeValue;
  loc: Location;
  /** The signed-in person as they now are, after they changed something about themselves (My account). */
  setMe: (me: MeValue) => void;
}
export const AppContext = createContext<AppState | null>(null);

/** The signed-in user and location; pages are only rendered when someone is signed in. */
export function useApp(): AppState {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside a signed-in page');
  return v;
}

const SITE = 'SEND Live Training';

/**
 * The page's one h1. It sets the document title and, after an in-app navigation, takes
 * focus so screen reader and keyboard users start at the top of the new page.
 */
export function PageHeading({ children, title, navigated, error }: { children: ComponentChildren; title: string; navigated: boolean; error?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  // Before the browser paints (a layout effect), so the title never lags the heading shown.
  useLayoutEffect(() => {
    document.title = `${error ? 'Error: ' : ''}${title} – ${SITE}`;
  }, [title, error]);
  useEffect(() => {
    if (navigated) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} class="page-heading">
      {children}
    </h1>
  );
}

/**
 * The page's h1 while what it loads has not come (loading, or failed): a page whose heading
 * is drawn from its data renders this above its <Loaded>, so a failed load still has an h1
 * and a document title that says so ("Error: … not available"), not the last page's.
 */
export function PendingHeading({ state, title, navigated }: { state: { data: unknown; error: unknown }; title: string; navigated: boolean }) {
  if (state.data !== undefined) return null;
  const text = state.error ? `${title}: not available` : title;
  return (
    <PageHeading title={text} navigated={navigated} error={!!state.error}>
      {text}
    </PageHeading>
  );
}

/** A polite live region that is in the page from the start, so changes to it are announced. */
export function Status({ message, id, focusable }: { message: ComponentChildren; id?: string; focusable?: boolean }) {
  return (
    <div role="status" aria-live="polite" aria-atomic="true" id={id} tabIndex={focusable ? -1 : undefined} class={message ? 'status' : 'status status-empty'}>
      {message}
    </div>
  );
}

/** An assertive region for errors after an action; in the page from the start so it is announced. */
export function Alert({ message }: { message: string }) {
  return (
    <div role="alert" class={message ? 'notice notice-error' : 'status-empty'}>
      {message && <p>{message}</p>}
    </div>
  );
}

/** An error that stops the page from showing its content (load failures). */
export function LoadError({ error }: { error: unknown }) {
  return (
    <div role="alert" class="notice notice-error">
      <p>{messageOf(error)}</p>
    </div>
  );
}

/**
 * What to tell a person about a failure. An answer's message is shown only when it reads as
 * words for people: one that names a setting (LIVEKIT_URL), a field path (capacity.online),
 * an identifier (trainerIds) or a JavaScript failure ("fetch failed") is replaced by a
 * plain sentence for its kind of failure.
 */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return isInternalWording(error.message) ? plainMessage(error) : error.message;
  return 'Something went wrong. Please try again.';
}

const INTERNAL = [/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/, /\b[a-z]+[A-Z][A-Za-z]*\b/, /\b[a-z]+_[a-z_]+\b/, /^[^@]*\b[a-z]{3,}\.[a-z]{3,}[A-Za-z]*\b(?![\w/.-]*\/)/, /fetch failed|ECONN|ETIMEDOUT|ENOTFOUND|TypeError|undefined|null\b|\bat [\w.]+ \(/i];
/** Names people write in mixed case, which are not identifiers ("not an iCalendar timetable"). */
const PROPER_NAMES = /\b(?:iCalendar|iCal|iPad|iPhone|iOS|macOS)\b/g;
export function isInternalWording(message: string): boolean {
  // An email address ("anna.smith@school.org") is a person's, not a dotted path or an identifier.
  const words = message.replace(PROPER_NAMES, 'name').replace(/[^\s@"“”'‘’(),;:]+@[^\s@"“”'‘’(),;:]+/g, 'address');
  return !words.trim() || INTERNAL.some((re) => re.test(words));
}

function plainMessage(e: ApiError): string {
  if (e.code === 'network' || e.status === 0) return 'The service could not be reached. Check your connection and try again.';
  if (e.status === 401) return 'Please sign in again.';
  if (e.status === 403) return 'You are not allowed to do this.';
  if (e.status === 404) return 'This could not be found. It may have been removed.';
  if (e.status === 409) return 'This has changed since the page was loaded. Please reload and try again.';
  if (e.status === 400 || e.status === 422) return 'Some of what was entered could not be used. Check it and try again.';
  if (e.status >= 500) return 'The service is having a problem. Please try again in a moment.';
  return 'Something went wrong. Please try again.';
}

export interface FieldError {
  /** The id of the field the error belongs to (its link target). */
  field: string;
  message: string;
}

/**
 * The summary of a form's errors: focused when it appears, each message a link to its field.
 * `titleId` names its heading; give each summary its own where a page has several forms.
 */
export function ErrorSummary({ errors, titleId = 'error-summary-title', level = 2, title = 'There is a problem', id, children }: { errors: FieldError[]; titleId?: string; level?: 2 | 3 | 4 | 5; /** Its heading, when the problem is not simply what was entered. */ title?: string; id?: string; /** Words before the links (what happened, what to do). */ children?: ComponentChildren }) {
  // `level`: one below the heading of the part of the page the form is in (a form under an h3 has its summary as an h4).
  const H = `h${level}` as 'h2' | 'h3' | 'h4' | 'h5';
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) ref.current?.focus();
  }, [errors]);
  if (!errors.length) return null;
  // List the problems in the order the fields appear on the page.
  const position = (id: string) => {
    const el = document.getElementById(id);
    return el ? Array.prototype.indexOf.call(document.querySelectorAll('input, select, textarea, fieldset, legend'), el) : Number.MAX_SAFE_INTEGER;
  };
  const ordered = [...errors].sort((a, b) => position(a.field) - position(b.field));
  return (
    <div ref={ref} class="error-summary" id={id} tabIndex={-1} role="alert" aria-labelledby={titleId}>
      <H id={titleId}>{title}</H>
      {children}
      <ul>
        {ordered.map((e) => (
          <li key={e.field + e.message}>
            <a
              href={`#${e.field}`}
              onClick={(ev) => {
                ev.preventDefault();
                document.getElementById(e.field)?.focus();
              }}
            >
              {e.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The first error for a field id, if any. */
export const errorFor = (errors: FieldError[], field: string) => errors.find((e) => e.field === field)?.message;

/**
 * Turns zod or API issues into field errors. `fields` maps an issue path (e.g. "capacity.online")
 * to a field id and a human label; issues with unknown paths go to `fallback`.
 */
export function toFieldErrors(issues: readonly { path: readonly PropertyKey[] | string; message: string }[], fields: Record<string, { id: string; label: string }>, fallback: { id: string; label: string }): FieldError[] {
  const out: FieldError[] = [];
  for (const i of issues) {
    const key = typeof i.path === 'string' ? i.path : i.path.map(String).join('.');
    const f = fields[key] ?? fallback;
    if (out.some((o) => o.field === f.id)) continue;
    out.push({ field: f.id, message: fieldMessage(f.label, i.message, fields) });
  }
  return out;
}

/** "Title is required", "End time must be after the start time": field names read as their labels. */
function fieldMessage(label: string, message: string, fields: Record<string, { label: string }>) {
  const readable = message.replace(/\b([a-z]+[A-Z][A-Za-z]*)\b/g, (name) => (fields[name] ? `the ${fields[name]!.label.toLowerCase()}` : name));
  return /^(is|must|should|has|cannot)\b/.test(readable) ? `${label} ${readable}` : `${label}: ${readable}`;
}

export function apiIssues(e: unknown): FieldIssue[] {
  return e instanceof ApiError ? e.issues : [];
}

/** A field's hint and error, each with the id its control names (see `described`). */
/**
 * A field's hint and error, each with an id its control names in aria-describedby. `announce`:
 * the error is said as it appears (role="alert"), for a small form that has no error summary
 * to take focus, where the control keeps focus (or the button pressed does) and would not be
 * read again.
 */
export function FieldNotes({ id, hint, error, announce }: { id: string; hint?: ComponentChildren; error?: string; announce?: boolean }) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${id}-error`} role={announce ? 'alert' : undefined}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
    </>
  );
}

/** The control's side of FieldNotes: marked invalid with an error, and described by both notes. */
export const described = (id: string, hint: unknown, error: unknown) => ({
  'aria-invalid': error ? ('true' as const) : undefined,
  'aria-describedby': [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
});

/**
 * A labelled field: its label, hint and error above the control it holds, which takes
 * `described(id, hint, error)`. Every form's fields look and read the same through it.
 */
export function Field({ id, label, hint, error, announce, children }: { id: string; label: ComponentChildren; hint?: ComponentChildren; error?: string; announce?: boolean; children: ComponentChildren }) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} announce={announce} />
      {children}
    </div>
  );
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'label'> & { id: string; label: string; hint?: string; error?: string; announce?: boolean };

/** A labelled text input with an optional hint and an error tied to it by aria-describedby (said as it appears with `announce`: see FieldNotes). */
export function TextField({ id, label, hint, error, announce, ...rest }: InputProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} announce={announce}>
      <input id={id} name={id} type="text" {...described(id, hint, error)} {...rest} />
    </Field>
  );
}

/** Characters as a length limit counts them: as the service's schemas do (NFC, trimmed). */
export const charactersIn = (text: string) => text.normalize('NFC').trim().length;

const grouped = (n: number) => n.toLocaleString('en-GB');

/**
 * A field's limit in characters, for its hint, where a `maxLength` would cut a pasted text
 * short without a word: the limit and how many are left (`always`; else only once within a
 * tenth of it), or how many too many. The limit is the shared schema's, which the service keeps.
 */
export function lengthHint(text: string, max: number, { always = false }: { always?: boolean } = {}): string | undefined {
  const n = charactersIn(text);
  if (n > max) return `Up to ${grouped(max)} characters: ${grouped(n - max)} too many.`;
  if (always || n > max * 0.9) return `Up to ${grouped(max)} characters: ${grouped(max - n)} left.`;
  return undefined;
}

/** The error for text longer than its field's limit, naming the limit and what to do, or undefined when it fits. */
export function tooLongError(label: string, text: string, max: number): string | undefined {
  const n = charactersIn(text);
  if (n <= max) return undefined;
  return `${label} must be at most ${grouped(max)} characters: it has ${grouped(n)}. Shorten it by ${grouped(n - max)} ${n - max === 1 ? 'character' : 'characters'}.`;
}

type FocusTarget = { current: HTMLElement | null } | (() => HTMLElement | null | undefined);

/**
 * For an action that removes the control it was started from: `focusLater(target)` focuses
 * `target` (a ref, or a function finding the element) after the next render in which it is
 * in the page, but only if focus has been lost meanwhile (it fell to <body> because the
 * focused control went), so it never pulls focus from wherever the person has moved on to.
 * Pass `{ force: true }` to move focus even when it was not lost.
 */
export function useFocusLater() {
  const pending = useRef<{ get: () => HTMLElement | null | undefined; force: boolean } | null>(null);
  const [, setTick] = useState(0);
  useLayoutEffect(() => {
    const p = pending.current;
    if (!p) return;
    const el = p.get();
    if (!el || !el.isConnected) return;
    pending.current = null;
    const active = document.activeElement;
    if (p.force || !active || active === document.body || !active.isConnected) el.focus();
  });
  return useCallback((target: FocusTarget, { force = false }: { force?: boolean } = {}) => {
    pending.current = { get: typeof target === 'function' ? target : () => target.current, force };
    setTick((t) => t + 1);
  }, []);
}

/** A download the page fetches itself (see useDownload). */
export interface Download {
  busy: boolean;
  error: unknown;
  /** What is being (or was) downloaded, in words: "spreadsheet", "calendar file". */
  what: string;
  /** The last download was handed to the browser. */
  done: boolean;
  /** Fetches `path` and saves it, named by the server (else `fallbackName`); ignored while one runs. */
  start: (path: string, fallbackName: string, what?: string) => void;
  clear: () => void;
}

/**
 * A file the API makes (a spreadsheet, a calendar file), fetched by the page (downloadFile)
 * rather than left to the browser, so that a refusal (422 `report_too_large`, 403 when the
 * person may no longer read it) is said in the page: a plain download link the server
 * refuses only fails in the browser's downloads, with nothing said here. Show its messages
 * with <DownloadMessages>; <DownloadLink> is the usual link with both.
 */
export function useDownload(): Download {
  const [state, setState] = useState<{ busy: boolean; error: unknown; what: string; done: boolean }>({ busy: false, error: null, what: 'spreadsheet', done: false });
  const busy = useRef(false);
  const start = useCallback((path: string, fallbackName: string, what = 'spreadsheet') => {
    if (busy.current) return;
    busy.current = true;
    setState({ busy: true, error: null, what, done: false });
    downloadFile(path, fallbackName).then(
      () => setState({ busy: false, error: null, what, done: true }),
      (error: unknown) => setState({ busy: false, error, what, done: false }),
    ).finally(() => {
      busy.current = false;
    });
  }, []);
  const clear = useCallback(() => setState((s) => (s.busy ? s : { ...s, error: null, done: false })), []);
  return { ...state, start, clear };
}

/**
 * A download's refusal (an alert) and progress ("Preparing your spreadsheet…", then "Your
 * spreadsheet is downloading."; `whose`, for someone else's file: "Grace Okafor's"), both in the page from the start so either is announced;
 * focus stays where it was (on the link or button), so pressing it again tries again.
 */
export function DownloadMessages({ download, whose }: { download: Download; whose?: string }) {
  // `whose`: someone else's file, named ("Grace Okafor's data file is downloading."), not "your".
  const [of, Of] = whose ? [whose, whose] : ['your', 'Your'];
  return (
    <>
      <Alert message={download.error ? messageOf(download.error) : ''} />
      <Status message={download.busy ? `Preparing ${of} ${download.what}…` : download.done ? `${Of} ${download.what} is downloading.` : ''} />
    </>
  );
}

/**
 * A download link's click handler (see useDownload): a plain click or Enter is fetched by the
 * page, so a refusal is said in `download`'s messages; opening the link in a new tab or window
 * (or saving it with Alt) stays the browser's own. For a link that sits inside text (a
 * paragraph with more in it), with <DownloadMessages> after that paragraph; otherwise use
 * <DownloadLink> or <DownloadAnchor>.
 */
export function useDownloadLink(href: string, fallbackName: string, what?: string) {
  const download = useDownload();
  function onClick(e: MouseEvent) {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    download.start(href, fallbackName, what);
  }
  return { download, onClick };
}

type DownloadLinkProps = { href: string; fallbackName: string; what?: string; children: ComponentChildren; class?: string };

/**
 * A paragraph (with `class`, if given) with a link to a file the API makes, and its messages
 * below it (see useDownloadLink). Its messages start afresh when the link changes (another
 * date range, say).
 */
export function DownloadLink(props: DownloadLinkProps) {
  return <DownloadLinkOf key={props.href} {...props} />;
}

/**
 * The same link without the paragraph, for a list item or a table cell: the link, then its
 * messages (blocks, so they sit below it).
 */
export function DownloadAnchor(props: Omit<DownloadLinkProps, 'class'>) {
  return <DownloadLinkOf key={props.href} {...props} bare />;
}

function DownloadLinkOf({ href, fallbackName, what, children, class: className, bare }: DownloadLinkProps & { bare?: boolean }) {
  const { download, onClick } = useDownloadLink(href, fallbackName, what);
  const link = (
    <a href={href} download onClick={onClick}>
      {children}
    </a>
  );
  return (
    <>
      {bare ? link : <p class={className}>{link}</p>}
      <DownloadMessages download={download} />
    </>
  );
}

/**
 * A button that asks before doing what it says. `onConfirm` may return a promise (the request
 * going ahead makes): the question then stays where it is, both its buttons unpressable, until
 * the promise settles, so the second click of a double click lands on the button just pressed,
 * not on whatever would have moved up under the pointer had the question gone at the first.
 */
export function ConfirmButton({ label, text, busyText, question, confirmLabel, keepLabel, onConfirm, busy, blocked = false, variant = 'danger', mayAsk }: { label: string; text?: string; busyText?: string; question: string; confirmLabel: string; keepLabel: string; onConfirm: () => void | Promise<unknown>; busy?: boolean; /** Another row's action is running: not pressable meanwhile, its name as it is. */ blocked?: boolean; variant?: 'danger' | 'secondary'; /** Checked as the button is pressed, before the question: false (having said why, at a field) asks nothing. */ mayAsk?: () => boolean }) {
  const [asking, setAsking] = useState(false);
  /** What was confirmed is under way (`onConfirm`'s promise has not settled). */
  const [running, setRunning] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // A layout effect moves focus in the same task as the change, so a key pressed straight
  // after opening the question can never land on the opener that has just gone (and then
  // be undone by focus arriving late on the question).
  useLayoutEffect(() => {
    if (asking) questionRef.current?.focus();
    else if (wasAsking.current) openerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      // `text`, when given, is what the button shows, `label` its whole name (the text and more: whose, which), as WCAG 2.5.3 asks.
      // While busy, `busyText` ("Releasing…") is shown, its name starting with it (as ActionButton's does).
      <button ref={openerRef} type="button" class={`button button-${variant}`} onClick={() => !busy && !blocked && (mayAsk?.() ?? true) && setAsking(true)} aria-disabled={busy || blocked ? 'true' : undefined} aria-label={busy && busyText ? `${busyText} (${label})` : text ? label : undefined}>
        {busy && busyText ? busyText : (text ?? label)}
      </button>
    );
  }
  return (
    <ConfirmQuestion
      label={label}
      question={question}
      questionRef={questionRef}
      confirmLabel={confirmLabel}
      keepLabel={keepLabel}
      busy={busy || blocked || running}
      running={running}
      onConfirm={() => {
        const pending = onConfirm();
        // Focus goes back to the opener (the layout effect above) when it is still there;
        // a page whose action removes the whole control moves focus on (useFocusLater).
        if (!(pending instanceof Promise)) return setAsking(false);
        setRunning(true);
        const done = () => {
          setRunning(false);
          setAsking(false);
        };
        pending.then(done, done);
      }}
      onKeep={() => !running && setAsking(false)}
    />
  );
}

/** The question itself (ConfirmButton's, AskBeforeSaving's): the words, taking focus by `questionRef`, and a button to go ahead and one to keep things as they are (unpressable too while what was confirmed is `running`). */
function ConfirmQuestion({ label, question, questionRef, confirmLabel, keepLabel, busy, running, onConfirm, onKeep }: { label: string; question: ComponentChildren; questionRef: { current: HTMLParagraphElement | null }; confirmLabel: string; keepLabel: string; busy?: boolean; running?: boolean; onConfirm: () => void; onKeep: () => void }) {
  return (
    <div class="confirm" role="group" aria-label={label}>
      <p ref={questionRef} tabIndex={-1}>
        {question}
      </p>
      <div class="actions">
        <button type="button" class="button button-danger" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && onConfirm()}>
          {confirmLabel}
        </button>
        <button type="button" class="button button-secondary" aria-disabled={running ? 'true' : undefined} onClick={() => !running && onKeep()}>
          {keepLabel}
        </button>
      </div>
    </div>
  );
}

/**
 * A form's save button that, while `question` is set, gives way to that question, with a button
 * to go ahead and one to keep things as they are: for a save that gives up something moving back
 * does not return. The question takes focus as it opens, and "keep" gives focus back to the save
 * button (`saveId`, as ConfirmButton does); so does going ahead, where the form stays.
 */
export function AskBeforeSaving({ question, label, confirmLabel, keepLabel, onConfirm, onKeep, busy, saveId, children }: { question: ComponentChildren | null; label: string; confirmLabel: string; keepLabel: string; onConfirm: () => void; onKeep: () => void; busy?: boolean; saveId: string; children: ComponentChildren }) {
  const asking = question != null;
  const questionRef = useRef<HTMLParagraphElement>(null);
  const wasAsking = useRef(false);
  useLayoutEffect(() => {
    if (asking) questionRef.current?.focus();
    else if (wasAsking.current) {
      // Back to Save when the question's own buttons went with it; a field changed meanwhile
      // (which closes the question) keeps its focus.
      const now = document.activeElement;
      if (!now || now === document.body || !now.isConnected) document.getElementById(saveId)?.focus();
    }
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) return <>{children}</>;
  return <ConfirmQuestion label={label} question={question} questionRef={questionRef} confirmLabel={confirmLabel} keepLabel={keepLabel} busy={busy} onConfirm={onConfirm} onKeep={onKeep} />;
}

export function Badge({ tone, children }: { tone: string; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

/** One term and its value in a `dl class="facts"` list. */
export function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A session's day and times, in England (its day there; the times named GMT or BST). */
export function When({ startsAt, endsAt }: { startsAt: string; endsAt: string }) {
  return (
    <>
      <time dateTime={startsAt}>{formatDate(startsAt)}</time>
      <br />
      {formatTimeRange(startsAt, endsAt)}
    </>
  );
}

/**
 * A chart drawn in HTML, as one image: named by its title and described by a text summary of
 * what it shows (both hidden; the same numbers are in a table beside every chart, so nothing
 * is only in the picture). Its parts are not read out one by one. Used by Training coverage's
 * percentage bars and feedback results' bar charts; `id` names the image and, with "-title"
 * and "-desc", its hidden name and summary.
 */
export function ChartImage({ id, title, summary, class: className, children }: { id: string; title: string; summary: string; class: string; children: ComponentChildren }) {
  return (
    <div class={className} id={id} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <span id={`${id}-title`} hidden>
        {title}
      </span>
      <span id={`${id}-desc`} hidden>
        {summary}
      </span>
      {children}
    </div>
  );
}

/**
 * A wide table's own scrolling box: should the table be wider than the page's column (a
 * column per course between a phone's stacked rows and a desktop's width), it scrolls here,
 * never the page (WCAG 1.4.10). Reachable by Tab and named ("By school, table": not the name
 * of the part of the page it is in), so a keyboard can scroll it. Named by `label`, or by
 * the element `labelledBy` names (the table's own caption, say).
 */
export function TableScroll({ children, ...name }: ({ label: string; labelledBy?: undefined } | { labelledBy: string; label?: undefined }) & { children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" {...(name.labelledBy ? { 'aria-labelledby': name.labelledBy } : { 'aria-label': `${name.label}, table` })}>
      {children}
    </div>
  );
}

/**
 * A save refused because someone else changed the same fields meanwhile (a session, an
 * organisation): said above the form, which now shows the thing as it is, the rest of the
 * person's changes kept; each clashing field says what it was changed to.
 */
export function ConflictSummary({ conflicts, what, idPrefix }: { conflicts: FieldError[]; what: 'session' | 'organisation'; idPrefix: string }) {
  return (
    <ErrorSummary errors={conflicts} id={`${idPrefix}-summary`} titleId={`${idPrefix}-title`} title={`This ${what} was changed by someone else meanwhile`}>
      <p>
        Nothing was saved: while you were editing, someone else changed {conflicts.length === 1 ? 'something' : 'things'} you changed too. The form now shows the {what} as it is now, with your other changes kept. Check{' '}
        {conflicts.length === 1 ? 'it, change it' : 'them, change them'} again if you still want to, and save.
      </p>
    </ErrorSummary>
  );
}

/** The time zones offered as suggestions beside a typed time zone (England's first); any other zone may still be typed. */
const COMMON_TIME_ZONES = ['Europe/London', 'Europe/Dublin', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];

/** The suggestions for a time zone field (its `list`), the same on the session and organisation forms. */
export function TimeZoneList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {COMMON_TIME_ZONES.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
