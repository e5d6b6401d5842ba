/**
 * What an uploaded file is, decided by its bytes (never by its name or the type the browser
 * claimed), and the name it is kept and downloaded under. Only these kinds are taken: PDF,
 * Word, PowerPoint and Excel (Office Open XML), PNG, JPEG, MP4 and plain UTF-8 text. Anything
 * a browser could run or render as a page (HTML, SVG, XML, scripts) is refused, and every
 * download is an attachment (see `disposition` in platform/http.ts).
 */

export interface FileKind {
  contentType: string;
  /** The extension a file of this kind is kept and downloaded with. */
  extension: string;
  /** Words for people: "a PDF". */
  label: string;
}

export const KINDS = {
  pdf: { contentType: 'application/pdf', extension: 'pdf', label: 'PDF' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx', label: 'Word document' },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx', label: 'PowerPoint presentation' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', label: 'Excel spreadsheet' },
  png: { contentType: 'image/png', extension: 'png', label: 'PNG image' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg', label: 'JPEG image' },
  mp4: { contentType: 'video/mp4', extension: 'mp4', label: 'MP4 video' },
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt', label: 'text file' },
} as const satisfies Record<string, FileKind>;

/** In words, for the message that refuses any other kind. */
export const ALLOWED_IN_WORDS = 'PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/** The names of the entries in a ZIP file, read from its central directory; null if it is no well-formed ZIP. */
export function zipEntryNames(b: Uint8Array): string[] | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // The end-of-central-directory record is in the last 22 + 65535 bytes (its comment is at most 64 KiB).
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) return null;
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    if (at + 46 + nameLen > b.length) return null;
    names.push(new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen)));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/**
 * `<` and what may follow it to open markup: `!` or `?`, or a tag name's first character in
 * HTML (an ASCII letter) or XML (a NameStartChar, XML 1.0 section 2.3: a letter of any
 * script, `_` or `:`; SVG, RSS, Atom and XHTML are XML), after an optional `/`.
 */
const MARKUP_START = /^<(?:[!?]|\/?[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}])/u;

/**
 * Whether text would be taken for a web page, an image or a feed by a browser or any other
 * program reading it as markup: it starts (after a byte order mark and white space) with `<`
 * and then `!` (a doctype, comment or CDATA section), `?` (an XML declaration or processing
 * instruction) or a tag name, of any name and in any namespace (`<svg`, `<rss`, `<x:script`,
 * `</div`). Such text is refused even though it is text. A `<` that opens no tag (`<3 thanks`,
 * `< 5 pupils`, `<= 10`, `<<name>>`) is text, and so is markup anywhere after the start.
 */
export function looksLikeMarkup(text: string): boolean {
  return MARKUP_START.test(text.trimStart()); // trimStart drops a byte order mark too (U+FEFF is white space to it)
}

/** The kind of `bytes`, or null when it is none the service takes. */
export function detectKind(bytes: Uint8Array): FileKind | null {
  if (bytes.length === 0) return null;
  if (startsWith(bytes, ascii('%PDF-'))) return KINDS.pdf;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return KINDS.png;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return KINDS.jpeg;
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = new TextDecoder('latin1').decode(bytes.subarray(8, 12));
    return /^(isom|iso[2-9]|mp41|mp42|avc1|M4V |dash)$/.test(brand) ? KINDS.mp4 : null;
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(bytes);
    if (!names || !names.includes('[Content_Types].xml')) return null;
    if (names.includes('word/document.xml')) return KINDS.docx;
    if (names.includes('ppt/presentation.xml')) return KINDS.pptx;
    if (names.includes('xl/workbook.xml')) return KINDS.xlsx;
    return null;
  }
  // Plain text: valid UTF-8 with no NUL or other control characters than tab, CR, LF, FF.
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return null;
  return looksLikeMarkup(text) ? null : KINDS.text;
}

/** Extensions a text file may keep (it is still served as text/plain). */
const TEXT_EXTENSIONS = new Set(['txt', 'csv', 'md']);

/**
 * The name a file is kept and downloaded under: the last part of what was given (no
 * folders, so `../x.html` is `x`), without control characters, quotes or characters that
 * mean something to a file system, at most 120 characters, and with the extension of what
 * the file really is (`x.pdf`).
 */
export function safeFileName(given: string, kind: FileKind): string {
  const last = given.split(/[\\/]/).pop() ?? '';
  let base = last
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (dot > 0) base = base.slice(0, dot).replace(/[.\s]+$/, '');
  base = [...base].slice(0, 120).join('').trim() || 'material';
  const keptExt = kind === KINDS.text && TEXT_EXTENSIONS.has(ext) ? ext : kind.extension;
  return `${base}.${keptExt}`;
}

/** A link people may be sent to: an absolute http(s) address with a host and no credentials; null otherwise. */
export function checkedLink(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}
