/**
 * The one way this service writes a spreadsheet (CSV) for people to open in Excel, so no
 * export can forget a part of it: CRLF records, a cell starting = + - @ tab or CR kept as
 * text (a leading '), and any cell holding a line break quoted. csv-stringify leaves a bare
 * line break unquoted when the record delimiter is CRLF, so without `quoted_match` a name
 * like "Pat\n=HYPERLINK(...)" would start a new row with a formula.
 */
import { stringify, type Options } from 'csv-stringify/sync';

export const CSV_OPTIONS = {
  record_delimiter: 'windows',
  escape_formulas: true,
  quoted_match: /[\r\n]/,
} as const satisfies Options;

/** `rows` as CSV text with CSV_OPTIONS; `extra` adds the header, BOM, columns (it cannot turn the safety off). */
export function writeCsv(rows: unknown[], extra: Omit<Options, keyof typeof CSV_OPTIONS> = {}): string {
  return stringify(rows, { ...extra, ...CSV_OPTIONS });
}
