/**
 * Keyset ("cursor") paging of a list whose rows change while someone turns its pages. A page
 * is asked for as "the rows after this one" by the sort key of the last row seen, not as "skip
 * n rows": mail written meanwhile does not push rows already seen onto the next page, and a
 * person who leaves a list (they booked) does not pull an unseen one back onto the page before.
 *
 * A cursor is opaque to its reader: base64url (no padding) of the JSON array of the last
 * row's sort key, as the server wrote it. Only exactly that form is taken: text that is not
 * one (bad characters, too long, not JSON, the wrong shape, a key part a database cannot
 * compare) fails validation, and the request is refused with 400 naming the parameter. A
 * cursor edited into another well-formed key only starts the list at another place: the list
 * is still the reader's own.
 */
import { z } from 'zod';

/** UTF-8 text as unpadded base64url, the same in a browser and on Node. */
function toBase64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The UTF-8 text unpadded base64url holds, or undefined when it holds none. */
function fromBase64url(encoded: string): string | undefined {
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** The cursor of a row with this sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return toBase64url(JSON.stringify(key));
}

/**
 * One part of a sort key: text up to `max` characters that a database can hold and compare, so
 * no NUL (PostgreSQL refuses one) and no half of a surrogate pair. Anything else a stored name
 * may hold (a tab pasted from a spreadsheet, say) is taken: the cursor of a row the list gave
 * must be one it takes back, or nobody after that row could be reached.
 */
export const cursorText = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s));

const NOT_A_CURSOR = 'is not a cursor this list gave (it may have been cut short or changed): start again from the first page';

/**
 * A cursor query parameter of at most `maxLength` characters holding a sort key of the shape
 * `key`: the decoded key when it is one, else a validation failure on the parameter.
 */
export function cursorParam<K extends z.ZodType<readonly (string | number)[]>>(key: K, maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .regex(/^[A-Za-z0-9_-]+$/, NOT_A_CURSOR)
    .transform((encoded, ctx): z.output<K> => {
      const text = fromBase64url(encoded);
      let parsed: unknown;
      try {
        parsed = text === undefined ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const found = parsed === undefined ? undefined : key.safeParse(parsed);
      // Only the form the server writes: the same key written again gives the same text.
      if (!found?.success || encodeCursor(found.data) !== encoded) {
        ctx.addIssue({ code: 'custom', message: NOT_A_CURSOR });
        return z.NEVER;
      }
      return found.data;
    });
}
