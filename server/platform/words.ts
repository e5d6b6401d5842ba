/** "Ann, Bo and Cy": names listed as a sentence lists them. Made at first use, not at start (ICU's list data takes some milliseconds to load). */
let andFormat: Intl.ListFormat | undefined;
export const listInWords = (items: readonly string[]): string => (andFormat ??= new Intl.ListFormat('en-GB', { type: 'conjunction' })).format(items);
