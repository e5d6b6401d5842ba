/**
 * The text of an uploaded CSV file as school offices save it: the staff import and timetable
 * uploads, read by the server from the bytes sent (the timetable pages send the file as it
 * is) and by the import page from the file chosen, to show its lines. What can be read
 * without guessing is read: UTF-8 with or without a BOM, and UTF-16 with its BOM (Excel's
 * "Unicode Text"). Anything else is refused with the line it goes wrong on and what to do,
 * never decoded by guesswork: a Windows-1252 ("ANSI") file decoded as UTF-8 would import
 * "Siobhán" as "Siobh�n", and decoded as Latin-1 when it is really something else would
 * import other wrong letters.
 */

export type SpreadsheetText = { ok: true; text: string } | { ok: false; line: number; message: string };

const SAVE_AS_UTF8 = 'in Excel choose File → Save As → “CSV UTF-8 (Comma delimited) (*.csv)”; in Google Sheets File → Download → Comma-separated values; in LibreOffice tick “Edit filter settings” and choose Unicode (UTF-8)';

const WORKBOOK = (kind: string) => `This file is ${kind}, not a CSV file (it was probably renamed to .csv): open it in Excel and choose File → Save As → “CSV UTF-8 (Comma delimited) (*.csv)”, then upload the file that makes.`;

const startsWith = (bytes: Uint8Array, sig: number[]) => sig.every((b, i) => bytes[i] === b);

/** The 1-based line (of the file as a text editor counts them) that the character at `index` is on. */
function lineAt(text: string, index: number): number {
  return text.slice(0, index).split(/\r\n|\r|\n/).length;
}

/**
 * Refuses text that holds a sign it was not decoded right: also text a browser decoded
 * already (File.text() reads every file as UTF-8), which reaches the server as valid UTF-8.
 */
export function checkSpreadsheetText(text: string): SpreadsheetText {
  // U+FFFD is what a decoder puts where bytes were not UTF-8.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = lineAt(text, bad);
    return { ok: false, line, message: `This file is not saved as UTF-8 text, so letters such as á, ë, Ł or ’ on line ${line} cannot be read safely: ${SAVE_AS_UTF8}. Then upload the new file.` };
  }
  // A NUL is never in a CSV; it is a UTF-16 file without its BOM, or not text at all.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = lineAt(text, nul);
    return { ok: false, line, message: `This file is not a CSV text file (line ${line} holds characters text never has): ${SAVE_AS_UTF8}. Then upload the new file.` };
  }
  return { ok: true, text };
}

/** The `charset` parameter of a Content-Type header, or null. */
function charsetOf(contentType: string | undefined | null): string | null {
  return /;\s*charset\s*=\s*"?([^;"\s]+)"?/i.exec(contentType ?? '')?.[1] ?? null;
}

/**
 * The bytes of a chosen or uploaded file as text. `contentType` is what the sender declared:
 * its `; charset=` parameter is used when it names an encoding this runtime knows.
 */
export function decodeSpreadsheet(bytes: Uint8Array, contentType?: string | null): SpreadsheetText {
  const charset = charsetOf(contentType);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { ok: false, line: 1, message: WORKBOOK('an Excel workbook (.xlsx)') };
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { ok: false, line: 1, message: WORKBOOK('an old Excel workbook (.xls)') };
  let encoding = 'utf-8';
  if (startsWith(bytes, [0xff, 0xfe])) encoding = 'utf-16le';
  else if (startsWith(bytes, [0xfe, 0xff])) encoding = 'utf-16be';
  else if (startsWith(bytes, [0xef, 0xbb, 0xbf])) encoding = 'utf-8';
  else if (charset) {
    try {
      encoding = new TextDecoder(charset.trim().replace(/^"|"$/g, '')).encoding;
    } catch {
      /* a charset this runtime does not know: read as UTF-8, refused below if it is not */
    }
  }
  // Not fatal: the text is checked below, so the refusal can name the line.
  const text = new TextDecoder(encoding).decode(bytes); // drops the BOM
  return checkSpreadsheetText(text);
}

/**
 * The separator a CSV file uses, read from its header row (the first line that is not
 * empty): a comma, or a semicolon (Excel in a European locale) or a tab (Excel's "Unicode
 * Text") when the header has more of those than commas. Rows are then read with that one
 * separator, so a comma inside a name in a semicolon file stays in the name.
 */
export function csvDelimiter(text: string): ',' | ';' | '\t' {
  // The first line with anything on it, read without splitting the whole file into lines.
  const header = /^[^\S\r\n]*\S[^\r\n]*/m.exec(text.replace(/^\uFEFF/, ''))?.[0] ?? '';
  // Outside quotes only.
  const bare = header.replace(/"[^"]*"/g, '');
  const count = (ch: string) => bare.split(ch).length - 1;
  const commas = count(',');
  const best = ([';', '\t'] as const).map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > commas ? best[0] : ',';
}
