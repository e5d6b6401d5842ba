/**
 * The one load / error / retry path for every page (use it instead of a useEffect + useState
 * pair per fetch):
 *
 * - `useLoad(fn, deps, { everyMs })` runs `fn` when `deps` change (and every `everyMs`, for
 *   a page that keeps itself current) and keeps its answer. A reload keeps the
 *   answer already shown (nothing blanks while it runs, nothing blanks when it fails). When a
 *   load failed because the network or the service was away, it runs again by itself when the
 *   browser says the network is back (`online` event) and every few seconds meanwhile.
 * - `<Loaded state={…} what="your bookings">{(data) => …}</Loaded>` shows "Loading your
 *   bookings…", then the content; a failure is said in words with a "Try again" button (and
 *   above the content, not instead of it, when an earlier answer is still shown).
 * - `useAction()` is the same for actions (book, cancel, accept…): `run(fn)` remembers the
 *   action, says what went wrong in words and offers "Try again"; the page and whatever the
 *   person typed stay as they were. `run` gives back nothing: what follows success (saying
 *   what was done, a reload, moving focus) is written inside `fn`, so "Try again" does it
 *   too. `<ActionButton busy={…} busyLabel="Booking…">` says what it is doing while it runs.
 *   `<ActionError action={…} />` is the error with its retry, which stays (saying "Trying
 *   again…") while the action runs again, and goes when it works.
 * - A refusal because things changed meanwhile (409: already booked, session cancelled,
 *   booking closed, the offer gone) is said without "Try again", which could only be refused
 *   again: `run(fn, { onRefused })` reloads what the page shows, so it shows how things now
 *   are, and the refusal takes focus if what was pressed went with the reload.
 * - `useSubmissionKey()` keeps one Idempotency-Key per submission, for a form whose "Try
 *   again" (or pressing its button again) must not do twice what the first press may already
 *   have done: see SubmissionKey.
 *
 * Messages come from `messageOf` (components.tsx), which never shows internal wording.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from './api.js';
import { messageOf } from './components.js';

export interface LoadState<T> {
  /** The latest answer (kept while reloading and after a failed reload). */
  data: T | undefined;
  /** The last failure, cleared when a load succeeds. */
  error: unknown;
  loading: boolean;
  /** Loads again; resolves when done (never rejects). */
  reload: () => Promise<void>;
  /** Replaces the shown answer (e.g. with what an action returned). */
  set: (data: T) => void;
}

const isNetwork = (e: unknown) => e instanceof ApiError && (e.code === 'network' || e.status === 503 || e.status === 502 || e.status === 504);

/**
 * While `when` is true, calls `fn` when the browser says the network is back, and every few
 * seconds besides (the service itself may have been away while the network was not).
 */
function useOnline(when: boolean, fn: () => void, everyMs = 4000) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!when) return;
    const on = () => ref.current();
    window.addEventListener('online', on);
    const timer = setInterval(() => {
      if (navigator.onLine) ref.current();
    }, everyMs);
    return () => {
      window.removeEventListener('online', on);
      clearInterval(timer);
    };
  }, [when]);
}

/** Loads `fn()` now, whenever `deps` change, and every `everyMs` if given; see the file comment. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[], { everyMs }: { everyMs?: number } = {}): LoadState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  // Only the newest load may set state: an older answer arriving late is dropped.
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const v = await fnRef.current();
      if (mine !== generation.current) return;
      setData(() => v);
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      generation.current++;
    };
  }, deps);
  useEffect(() => {
    if (!everyMs) return;
    const timer = setInterval(() => void reload(), everyMs);
    return () => clearInterval(timer);
  }, [...deps, everyMs]);
  useOnline(error !== null && isNetwork(error), () => void reload());

  return { data, error, loading, reload, set: (v: T) => setData(() => v) };
}

/**
 * A failure said in words, with a button that tries again. While it tries (`busy`), both stay,
 * the button saying "Trying again…" and keeping focus; failing again, they stay, with the new
 * failure said. When trying again works, the failure (and the button, which had focus) leaves
 * the page: focus goes to the heading before
 * it (the section's, else the page's), where what came in begins, not to nothing. `focusTo`
 * names another place, for a failure in a part of a page with no heading of its own (a search
 * inside a long form, whose heading before it is the page's, far from what was searched).
 */
export function Retry({ error, onRetry, busy, label = 'Try again', busyLabel = 'Trying again…', message, focusTo }: { error: unknown; onRetry: () => void; busy?: boolean; label?: string; busyLabel?: string; message?: string; focusTo?: () => HTMLElement | null }) {
  const root = useRef<HTMLDivElement>(null);
  const focusToRef = useRef(focusTo);
  focusToRef.current = focusTo;
  useLayoutEffect(() => {
    const el = root.current;
    return () => {
      if (!el || !el.contains(document.activeElement)) return;
      const target = focusToRef.current ? focusToRef.current() : (document.evaluate('preceding::*[self::h1 or self::h2 or self::h3][1]', el, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue as HTMLElement | null);
      setTimeout(() => {
        const now = document.activeElement;
        if (!target?.isConnected || (now && now !== document.body && now.isConnected)) return;
        if (!target.hasAttribute('tabindex') && !target.matches('a[href], button, input, select, textarea')) target.setAttribute('tabindex', '-1');
        target.focus();
      });
    };
  }, []);
  // Failing again after "Try again" (the alert and its button stay meanwhile) is said again,
  // though in the same words: the message goes in anew, so the alert announces it. Not so for a
  // load trying again by itself (useOnline), which would repeat it every few seconds.
  const said = useRef({ error, times: 0, pressed: false });
  if (said.current.error !== error) said.current = { error, times: said.current.times + (said.current.pressed ? 1 : 0), pressed: false };
  return (
    <div role="alert" class="notice notice-error retry" ref={root}>
      <p key={said.current.times}>{message ?? messageOf(error)}</p>
      <button
        type="button"
        class="button button-secondary"
        onClick={() => {
          if (busy) return;
          said.current.pressed = true;
          onRetry();
        }}
        aria-disabled={busy ? 'true' : undefined}
      >
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}

/** Loading text, then the content; failures with a retry (above the content once there is some). */
export function Loaded<T>({ state, what, children }: { state: LoadState<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (state.data === undefined) {
    // Not theirs to see (403: another trainer's session, say), or not there for them (404: removed,
    // or another school's in-house session): said, with no "Try again", which would only be refused again.
    if (state.error instanceof ApiError && (state.error.status === 403 || state.error.status === 404)) return <Refusal error={state.error} />;
    if (state.error) return <Retry error={state.error} onRetry={() => void state.reload()} busy={state.loading} />;
    return <p class="loading">Loading {what}…</p>;
  }
  return (
    <>
      {state.error ? <Retry error={state.error} onRetry={() => void state.reload()} busy={state.loading} /> : null}
      {children(state.data)}
    </>
  );
}

export interface ActionState {
  busy: boolean;
  error: unknown;
  /** The error is a refusal because things changed (409): said, with no "Try again". */
  refused: boolean;
  /** Where ActionError puts a refusal, to take focus when what was pressed has gone. */
  refusalRef: { current: HTMLDivElement | null };
  /**
   * Runs `fn` (ignored while another action runs); resolves, to nothing, when it has finished or
   * failed (never rejects). What follows success (the message, state set from the answer, a
   * reload, moving focus) goes inside `fn`, after the request, so "Try again" repeats all of it:
   * `run` gives back no result on purpose, since `retry` has no caller to give one to. A refusal
   * `fn` handles itself (errors beside fields) returns early from `fn` rather than throwing.
   */
  run: <R>(fn: () => Promise<R>, opts?: RunOptions) => Promise<void>;
  /**
   * Where focus goes when "Try again" works, given to `run` by an action that ends somewhere
   * of its own (one of several actions sharing this state); ActionError's `focusTo` otherwise.
   */
  focusAfterRetry: (() => HTMLElement | null) | undefined;
  /**
   * Runs the last failed action again: all of it, what follows success included. Its failure
   * stays shown (ActionError's "Trying again…") until it succeeds, or fails again.
   */
  retry: () => void;
  clear: () => void;
  /**
   * Whether the action running is the one `run` was given `for` this key (a row's own
   * button): the other rows' buttons stay as they are, and keep their names, while it runs.
   */
  busyFor: (key: string) => boolean;
}

interface RunOptions {
  focusAfterRetry?: () => HTMLElement | null;
  /** Which of several alike controls (a table's rows) the action is for: see `busyFor`. */
  for?: string;
  /**
   * Reloads what the page shows after a refusal because things changed (409). Resolving to
   * true says the page has said the refusal itself (in its own status, where the control that
   * failed may be gone after the reload), so the action shows nothing more.
   */
  onRefused?: (refusal: unknown) => Promise<unknown> | unknown;
}

/** Refused because of how things are now (409): the same request again would be refused again. */
export const isRefusal = (e: unknown) => e instanceof ApiError && e.status === 409;
/** Refused for now (429, too many of them lately): the answer says how long to wait, so no "Try again" at once. */
export const isTooSoon = (e: unknown) => e instanceof ApiError && e.status === 429;

/** One action at a time, its failure kept with a way to try again; see the file comment. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busyRef = useRef(false);
  const last = useRef<(() => Promise<unknown>) | null>(null);
  const lastFocus = useRef<(() => HTMLElement | null) | undefined>(undefined);
  const onRefused = useRef<RunOptions['onRefused']>(undefined);
  const refusalRef = useRef<HTMLDivElement | null>(null);
  const runningFor = useRef<string | undefined>(undefined);

  // A new action clears an old failure as it starts. Trying again keeps it, and its "Try
  // again" button (busy, "Trying again…", still focused), until the attempt has finished: it
  // goes on success (Retry then moves focus on), or stays with the new failure's words.
  const start = useCallback(async (fn: () => Promise<unknown>, again: boolean): Promise<void> => {
    if (busyRef.current) return;
    busyRef.current = true;
    last.current = fn;
    setBusy(true);
    if (!again) setError(null);
    try {
      await fn();
      last.current = null;
      setError(null);
    } catch (e) {
      // What was pressed may have gone (a Try again, a booking form once booked): the refusal's words take focus.
      const refusalTakesFocusIfLost = () =>
        setTimeout(() => {
          const now = document.activeElement;
          if (!now || now === document.body || !now.isConnected) refusalRef.current?.focus();
        });
      if (isTooSoon(e)) {
        // Said with no Try again (ActionError).
        setError(e);
        refusalTakesFocusIfLost();
      } else if (!isRefusal(e)) setError(e);
      else {
        last.current = null;
        // Reloaded first; then said here unless the page said it itself (true), so it is said once.
        let said = false;
        try {
          said = (await onRefused.current?.(e)) === true;
        } catch {
          // The reload's own failure is the page's to show (its load state); the refusal stands.
        }
        setError(said ? null : e);
        refusalTakesFocusIfLost();
      }
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);
  const run = useCallback(
    <R,>(fn: () => Promise<R>, opts: RunOptions = {}) => {
      if (!busyRef.current) {
        lastFocus.current = opts.focusAfterRetry;
        onRefused.current = opts.onRefused;
        runningFor.current = opts.for;
      }
      return start(fn, false);
    },
    [start],
  );
  const retry = useCallback(() => {
    if (last.current) void start(last.current, true);
  }, [start]);
  return { busy, error, refused: isRefusal(error), refusalRef, run, retry, focusAfterRetry: lastFocus.current, clear: () => setError(null), busyFor: (key: string) => busy && runningFor.current === key };
}

/** A refusal because things changed (409), in words with no "Try again": ActionError's, and a form's own (SaveFailure). */
export function Refusal({ error, refusalRef }: { error: unknown; refusalRef?: { current: HTMLDivElement | null } }) {
  return (
    <div role="alert" class="notice notice-error" tabIndex={-1} ref={refusalRef}>
      <p>{messageOf(error)}</p>
    </div>
  );
}

/**
 * A save that failed for a reason about no field (the network, the service, things changed
 * meanwhile): said above the button, with "Try again" (which saves again) unless things
 * changed so that it could only be refused again (409). After a retry focus goes back to the
 * form's button: `submitId`, or the page's first submit button.
 */
export function SaveFailure({ error, onRetry, busy, submitId }: { error: unknown; onRetry: () => void; busy: boolean; submitId?: string }) {
  if (!error) return <div role="alert" class="status-empty" />;
  if (isRefusal(error) || isTooSoon(error)) return <Refusal error={error} />;
  return <Retry error={error} onRetry={onRetry} busy={busy} focusTo={() => (submitId ? document.getElementById(submitId) : document.querySelector<HTMLElement>('form button[type=submit]'))} />;
}

/** An action's failure with "Try again"; an empty live region otherwise, so it is announced. `focusTo`: see Retry. */
export function ActionError({ action, retryLabel, focusTo }: { action: ActionState; retryLabel?: string; focusTo?: () => HTMLElement | null }) {
  if (!action.error) return <div role="alert" class="status-empty" />;
  if (action.refused || isTooSoon(action.error)) return <Refusal error={action.error} refusalRef={action.refusalRef} />;
  return <Retry error={action.error} onRetry={action.retry} busy={action.busy} label={retryLabel} focusTo={action.focusAfterRetry ?? focusTo} />;
}

/**
 * The first send may have done it: its answer was lost (the connection, a proxy's 502 or 504,
 * the service's own 5xx), it came but this page could not read it, the key was still being
 * handled when the resends ran out, or this send was stopped before it reached the key (401
 * signed out, 403, 408, 429 too many).
 * Any other refusal is the service's answer to this request under its key (the same request
 * again would get it again, even once things have changed): a new press is a new request.
 */
const outcomeUnknown = (e: unknown) => !(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.status < 400 || [401, 403, 408, 429].includes(e.status) || e.code === 'idempotency_key_in_flight';

export interface SubmissionKey {
  /**
   * Sends `request` by `send`, with the Idempotency-Key for it: the key of the last
   * submission when this is the same request (what identifies it, its path and body, is
   * `request`) and that one's outcome is not known, else a new one. So "Try again", or the
   * button pressed again, after an answer that never came, is answered by the service with
   * what the first did (the series published once, everyone emailed once); a form changed
   * since is a new request, with a new key (the service refuses a key used for a different
   * body). The key is forgotten once the request has succeeded or been refused.
   */
  keyed: <R>(request: unknown, send: (idempotencyKey: string) => Promise<R>) => Promise<R>;
}

/** One Idempotency-Key per submission of a form (see SubmissionKey), for as long as the form is shown. */
export function useSubmissionKey(): SubmissionKey {
  const held = useRef<{ request: string; key: string } | null>(null);
  const keyed = useCallback(async <R,>(request: unknown, send: (idempotencyKey: string) => Promise<R>): Promise<R> => {
    const id = JSON.stringify(request);
    if (held.current?.request !== id) held.current = { request: id, key: newIdempotencyKey() };
    const mine = held.current;
    try {
      const answer = await send(mine.key);
      if (held.current === mine) held.current = null;
      return answer;
    } catch (e) {
      if (held.current === mine && !outcomeUnknown(e)) held.current = null;
      throw e;
    }
  }, []);
  return { keyed };
}

type ButtonProps = Omit<JSX.HTMLAttributes<HTMLButtonElement>, 'type'> & {
  type?: 'button' | 'submit';
  busy: boolean;
  busyLabel: string;
  children: ComponentChildren;
  /** Another row's action is running (useAction busyFor): not pressable meanwhile (aria-disabled), its name as it is. */
  blocked?: boolean;
};

/**
 * A button that says what it is doing ("Booking…") while its action runs, and ignores presses
 * meanwhile. A name given by `aria-label` ("Release the online hold for Ash Primary") starts,
 * while busy, with the words shown ("Releasing… (Release the online hold for Ash Primary)"),
 * so what is said still holds what is seen (WCAG 2.5.3, label in name).
 */
export function ActionButton({ busy, busyLabel, children, type = 'submit', class: cls, onClick, 'aria-label': name, blocked = false, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      aria-label={busy && name ? `${busyLabel} (${String(name)})` : name}
      type={type}
      class={(cls as string | undefined) ?? 'button'}
      aria-disabled={busy || blocked ? 'true' : undefined}
      onClick={(e) => {
        if (busy || blocked) {
          e.preventDefault();
          return;
        }
        if (typeof onClick === 'function') onClick(e);
      }}
    >
      {busy ? busyLabel : children}
    </button>
  );
}
