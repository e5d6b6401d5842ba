/**
 * What was read, kept to answer the same question again while nothing it shows can have
 * changed: the session list's pages (thousands of staff of one school or trust open the same
 * first page on launch morning) and calendar feeds' versions (every calendar polls).
 *
 * A read is served again only while both of these hold:
 * - the database's change token (server/platform/change-version.ts) is the one read before
 *   the read was: no change has been committed since, by this process or any other;
 * - the clock is still on the same side of every moment at which the answer turns by
 *   itself, without a write (a session's held seats released, a cancellation leaving a
 *   feed): `validFrom` <= now < `validUntil`.
 * Anything else reads afresh; requests that miss the same key under the same token together
 * share one read (one whose window holds their own time). Bounded in entries and in size; the
 * least recently used go first.
 */

export interface PageWindow {
  /** The latest of the page's turning moments at or before the time it was read (ms), or -Infinity. */
  validFrom: number;
  /** The earliest of them after that time (ms), or Infinity. */
  validUntil: number;
}

/** The window around `nowMs` in which none of `moments` (ISO times) is crossed. */
export function windowAround(nowMs: number, moments: readonly string[]): PageWindow {
  let validFrom = -Infinity;
  let validUntil = Infinity;
  for (const m of moments) {
    const t = Date.parse(m);
    if (t <= nowMs) validFrom = Math.max(validFrom, t);
    else validUntil = Math.min(validUntil, t);
  }
  return { validFrom, validUntil };
}

interface Entry<T> extends PageWindow {
  version: string;
  value: T;
  bytes: number;
}

/** A page as read: its value, the window it holds in, and about how many bytes it keeps. */
export interface ReadPage<T> {
  value: T;
  window: PageWindow;
  bytes: number;
}

export class ReadCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #reading = new Map<string, Promise<ReadPage<T>>>();
  #bytes = 0;
  constructor(
    readonly maxEntries = 500,
    readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get size() {
    return this.#entries.size;
  }

  /**
   * The page under `key`: as kept, or as being read by another request under the same
   * token, or read now by `read` (and kept). `version` must have been read before this call.
   */
  async read(key: string, version: string | null, nowMs: number, read: () => Promise<ReadPage<T>>): Promise<T> {
    const kept = this.get(key, version, nowMs);
    if (kept !== undefined) return kept;
    if (version === null) return (await read()).value;
    const flight = `${version}\n${key}`;
    const shared = this.#reading.get(flight);
    if (shared) {
      const page = await shared.catch(() => undefined);
      if (page && nowMs >= page.window.validFrom && nowMs < page.window.validUntil) return page.value;
      return (await read()).value;
    }
    const reading = read();
    this.#reading.set(flight, reading);
    try {
      const page = await reading;
      this.set(key, version, page.window, page.value, page.bytes);
      return page.value;
    } finally {
      this.#reading.delete(flight);
    }
  }

  /** The page stored under `key`, if it was read under `version` and `nowMs` is in its window. */
  get(key: string, version: string | null, nowMs: number): T | undefined {
    const e = this.#entries.get(key);
    if (!e || version === null) return undefined;
    if (e.version !== version || nowMs < e.validFrom || nowMs >= e.validUntil) {
      this.#drop(key, e);
      return undefined;
    }
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  /** Keeps a page read under `version` (read before the page was); `bytes` is about its size. */
  set(key: string, version: string | null, window: PageWindow, value: T, bytes: number): void {
    if (version === null || bytes > this.maxBytes / 4 || window.validUntil <= window.validFrom) return;
    const old = this.#entries.get(key);
    if (old) this.#drop(key, old);
    this.#entries.set(key, { ...window, version, value, bytes });
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#drop(k, e);
    }
  }

  #drop(key: string, e: Entry<T>) {
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }
}
