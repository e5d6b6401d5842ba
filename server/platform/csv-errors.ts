/**
 * What went wrong reading a CSV file, in words for the person who sent it. csv-parse's own
 * messages name its options and internals ("Invalid Record Length: columns length is 3, got
 * 4 on line 2"), so they are never shown; its error codes are.
 */
import { CsvError } from 'csv-parse/sync';

/**
 * How to write a value with a double quote in it (a name pasted as `=HYPERLINK("…")`, a
 * nickname in quotes), as CSV itself has it (RFC 4180): said with every problem of quoting.
 */
export const QUOTING_RULE = 'a value containing double quotes, commas or line breaks must be wrapped in double quotes, with each double quote inside it written twice ("")';

const REASONS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: `a row has a different number of columns from the header row (${QUOTING_RULE})`,
  CSV_RECORD_INCONSISTENT_COLUMNS: `a row has a different number of columns from the header row (${QUOTING_RULE})`,
  CSV_QUOTE_NOT_CLOSED: `a quoted value is never closed (a " is missing): ${QUOTING_RULE}`,
  CSV_INVALID_CLOSING_QUOTE: `a quoted value has text straight after its closing ": ${QUOTING_RULE}`,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: `a quoted value has text straight after its closing ": ${QUOTING_RULE}`,
  // A " in a value that does not start with one (csv-parse's code has no CSV_ prefix).
  INVALID_OPENING_QUOTE: `a value has a double quote (") in it but is not wrapped in double quotes: ${QUOTING_RULE}`,
  CSV_INVALID_OPENING_QUOTE: `a value has a double quote (") in it but is not wrapped in double quotes: ${QUOTING_RULE}`,
  CSV_MAX_RECORD_SIZE: 'a row is far too long',
  CSV_OPTION_COLUMNS_MISSING_NAME: 'the header row has an empty column name',
  CSV_INVALID_COLUMN_MAPPING: 'the header row names a column twice or has an empty column name',
};

/** A sentence fragment (no capital, no full stop) saying why the file could not be read. */
export function csvReadProblem(e: unknown): string {
  const code = e instanceof CsvError ? e.code : undefined;
  return (code && REASONS[code]) || 'it is not a well-formed CSV file';
}

/** The line csv-parse stopped at, or 0 when it does not say. */
export function csvErrorLine(e: unknown): number {
  return e instanceof CsvError ? Number((e as CsvError & { lines?: number }).lines ?? 0) : 0;
}
