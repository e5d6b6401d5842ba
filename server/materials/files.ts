/**
 * What an uploaded file is, decided by its bytes (never by its name or the type the browser
 * claimed), and the name it is kept and downloaded under. Only these kinds are taken: PDF,
 * Word, PowerPoint and Excel (Office Open XML, without macros), PNG, JPEG, MP4 and plain
 * UTF-8 text. Anything a browser could run or render as a page (HTML, SVG, XML, scripts) is
 * refused, and so is any Office file carrying macros; every download is an attachment (see
 * `disposition` in platform/http.ts).
 */
import { inflateRawSync } from 'node:zlib';

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
  // Office's templates and slide shows: the same files as the three above but for their main
  // part's content type, which Office checks against the extension (a template kept as .docx
  // would not open).
  dotx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.template', extension: 'dotx', label: 'Word template' },
  potx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.template', extension: 'potx', label: 'PowerPoint template' },
  ppsx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow', extension: 'ppsx', label: 'PowerPoint slide show' },
  xltx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template', extension: 'xltx', label: 'Excel template' },
} as const satisfies Record<string, FileKind>;

/** The main content types (`….main+xml`) that make a Word, PowerPoint or Excel file a template or slide show. */
const OFFICE_VARIANTS: { of: FileKind; kind: FileKind }[] = [KINDS.dotx, KINDS.potx, KINDS.ppsx, KINDS.xltx].map((kind) => ({
  of: kind === KINDS.dotx ? KINDS.docx : kind === KINDS.xltx ? KINDS.xlsx : KINDS.pptx,
  kind,
}));

/** In words, for the message that refuses any other kind. */
export const ALLOWED_IN_WORDS = 'PDF, Word, PowerPoint, Excel, PNG, JPEG, MP4 or plain text';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

interface ZipEntry {
  name: string;
  /** General purpose bit flags (bit 0: encrypted). */
  flags: number;
  /** 0 stored, 8 deflated; others are not read. */
  method: number;
  compressedSize: number;
  size: number;
  /** Where its local header is. */
  localOffset: number;
}

/** The entries of a ZIP file, read from its central directory; null if it is no well-formed ZIP. */
function zipEntries(b: Uint8Array): ZipEntry[] | null {
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
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) return null;
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    if (at + 46 + nameLen > b.length) return null;
    entries.push({
      name: new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The names of the entries in a ZIP file, read from its central directory; null if it is no well-formed ZIP. */
export function zipEntryNames(b: Uint8Array): string[] | null {
  return zipEntries(b)?.map((e) => e.name) ?? null;
}

/**
 * The content of one entry of a ZIP, if it is stored or deflated, not encrypted, and at most
 * `max` bytes both as kept and once inflated (whatever sizes the ZIP declares: inflating
 * stops past `max`); null otherwise. The work is bounded by `max`, so it is done in line.
 */
function readZipEntry(b: Uint8Array, e: ZipEntry, max: number): Uint8Array | null {
  if (e.flags & 1 || e.compressedSize > max || e.size > max) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = e.localOffset;
  if (at + 30 > b.length || view.getUint32(at, true) !== 0x04034b50) return null;
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + e.compressedSize > b.length) return null;
  const data = b.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data;
  if (e.method !== 8) return null;
  try {
    return inflateRawSync(data, { maxOutputLength: max });
  } catch {
    return null; // not deflate data, or more than `max` once inflated
  }
}

/**
 * The most of an Office file's [Content_Types].xml that is read (kept and inflated). Office
 * writes a few kilobytes (one line per slide, sheet or other part); one larger than this is
 * refused rather than read.
 */
export const MAX_CONTENT_TYPES_BYTES = 1024 * 1024;

/**
 * Parts that hold macros: a VBA project (`vbaProject.bin`, with Word's `vbaData.xml`) or
 * Excel 4.0 macro sheets, named (case aside, as Office takes part names) anywhere in the file.
 */
const MACRO_PART = /(?:^|[/\\])(?:vbaProject\.bin|vbaData\.xml|macrosheets[/\\])/i;
/**
 * Content types that mean macros: every macro-enabled main part (`.docm`, `.dotm`, `.xlsm`,
 * `.xltm`, `.xlam`, `.xlsb`, `.pptm`, `.potm`, `.ppsm`, `.ppam`: `…macroEnabled.main+xml`,
 * `…macroEnabledTemplate.main+xml`), a VBA project or its data, and macro sheets.
 */
const MACRO_TYPE = /macroEnabled|vbaProject|vbaData|macroSheet/i;

/**
 * What [Content_Types].xml says, in a form in which the content types it declares can be
 * looked for: its bytes as Latin-1 with NULs taken out (so UTF-8 and UTF-16 of either byte
 * order both read as the ASCII the content types are written in) and character references
 * (`&#69;`, `&#x45;`) replaced by what they stand for. Null if it declares a document type
 * (entities could spell anything; Office refuses it too) or an encoding other than UTF-8 or
 * UTF-16 (the only ones Office writes).
 */
function contentTypesText(bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/\0/g, '')
    .replace(/&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));/gi, (ref, hex: string | undefined, dec: string | undefined) => {
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : ref;
    });
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  const encoding = /^[^<]*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/i.exec(text)?.[1];
  if (encoding !== undefined && !/^utf-?(?:8|16)$/i.test(encoding)) return null;
  return text;
}

/**
 * What an Office Open XML file (a ZIP) is: its kind, found by its main part, unless it holds
 * macros (a VBA project or macro sheet part, or any macro-enabled content type declared in
 * its one [Content_Types].xml, read to at most MAX_CONTENT_TYPES_BYTES). Refused as of no
 * accepted kind when it is none, or when its [Content_Types].xml cannot be read.
 */
function examineOffice(bytes: Uint8Array): Examined {
  const entries = zipEntries(bytes);
  if (!entries) return NOT_ACCEPTED;
  const names = entries.map((e) => e.name);
  const types = entries.filter((e) => e.name.toLowerCase() === '[content_types].xml');
  if (types.length !== 1 || types[0]!.name !== '[Content_Types].xml') return NOT_ACCEPTED;
  const kind = names.includes('word/document.xml') ? KINDS.docx : names.includes('ppt/presentation.xml') ? KINDS.pptx : names.includes('xl/workbook.xml') ? KINDS.xlsx : null;
  if (!kind) return NOT_ACCEPTED;
  if (names.some((name) => MACRO_PART.test(name))) return MACROS;
  const content = readZipEntry(bytes, types[0]!, MAX_CONTENT_TYPES_BYTES);
  const declared = content && contentTypesText(content);
  if (declared === null) return NOT_ACCEPTED;
  if (MACRO_TYPE.test(declared)) return MACROS;
  const lower = declared.toLowerCase();
  const variant = OFFICE_VARIANTS.find((v) => v.of === kind && lower.includes(`${v.kind.contentType}.main+xml`));
  return { kind: variant?.kind ?? kind };
}

/**
 * `<` and what may follow it to open markup: `!` or `?`, or a tag name's first character in
 * HTML (an ASCII letter) or XML (a NameStartChar, XML 1.0 section 2.3: a letter of any
 * script, `_` or `:`; SVG, RSS, Atom and XHTML are XML), after an optional `/`.
 */
const MARKUP_START = /^<(?:[!?]|\/?[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}])/u;

/**
 * Whether text would be taken for a web page, an image or a feed by a browser or any other
 * program reading it as markup: it starts (after byte order marks, white space of any kind and
 * invisible characters: all NOT_BLANK does not match) with `<` and then `!` (a doctype, comment or CDATA
 * section), `?` (an XML declaration or processing instruction) or a tag name, of any name and in any namespace (`<svg`, `<rss`, `<x:script`,
 * `</div`). Such text is refused even though it is text. A `<` that opens no tag (`<3 thanks`,
 * `< 5 pupils`, `<= 10`, `<<name>>`) is text, and so is markup anywhere after the start.
 */
export function looksLikeMarkup(text: string): boolean {
  // The first character that is not blank, found by a scan: matching the whole blank run
  // with one `+` makes the regular expression engine keep a place to go back to for each
  // character, which overflows its stack on a run of millions (a 20 MB upload of spaces).
  const first = text.search(NOT_BLANK);
  return first >= 0 && MARKUP_START.test(text.slice(first, first + MARKUP_REACH));
}

/** How many UTF-16 code units of text a markup start needs at most (`</` and a surrogate pair). */
const MARKUP_REACH = 8;

/**
 * What may come before markup and still leave it markup to someone reading it: every
 * Unicode white space character (including U+0085 NEL, U+00A0, U+2028, U+3000, which
 * `trimStart` and `\s` do not all take) and invisible ones (byte order marks, zero-width
 * spaces and joiners, soft hyphens: Default_Ignorable_Code_Point).
 */
const NOT_BLANK = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Control characters that make bytes no text: C0 ones other than tab, LF, FF and CR, DEL,
 * and the C1 ones (U+0080 to U+009F, among them U+0085 NEL).
 */
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/;

/** What an upload was found to be: a kind the service takes, or why it is refused. */
export type Examined = { kind: FileKind; refused?: undefined } | { kind: null; refused: 'kind' | 'macros' };
const NOT_ACCEPTED: Examined = { kind: null, refused: 'kind' };
const MACROS: Examined = { kind: null, refused: 'macros' };

/**
 * What `bytes` are: a kind the service takes, or refused as of none (`kind`) or as an
 * Office file with macros (`macros`: macro-enabled Word, PowerPoint and Excel files and
 * their templates, slide shows and add-ins, whatever the file is called).
 */
export function examineFile(bytes: Uint8Array): Examined {
  const steps = examineSteps(bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * As `examineFile`, giving the event loop back between pieces of text of TEXT_PIECE bytes:
 * a 20 MB text file is read in twenty turns rather than one (which held every other request
 * for a tenth to a third of a second).
 */
export async function examineFileInTurns(bytes: Uint8Array): Promise<Examined> {
  const steps = examineSteps(bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** How much text is read in one turn of the event loop (`examineFileInTurns`). */
export const TEXT_PIECE = 1024 * 1024;

/** What `bytes` are (see `examineFile`), yielding between pieces of text. */
function* examineSteps(bytes: Uint8Array): Generator<void, Examined> {
  if (bytes.length === 0) return NOT_ACCEPTED;
  if (startsWith(bytes, ascii('%PDF-'))) return { kind: KINDS.pdf };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: KINDS.png };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: KINDS.jpeg };
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = new TextDecoder('latin1').decode(bytes.subarray(8, 12));
    return /^(isom|iso[2-9]|mp41|mp42|avc1|M4V |dash)$/.test(brand) ? { kind: KINDS.mp4 } : NOT_ACCEPTED;
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return examineOffice(bytes);
  // Plain text: valid UTF-8 with no NUL or other control characters than tab, CR, LF, FF (none
  // of C1 either), and no markup at its start (looksLikeMarkup), read a piece at a time.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  /** The text from its first character that is not blank, as far as a markup start reaches. */
  let head: string | null = null;
  for (let at = 0; at < bytes.length; at += TEXT_PIECE) {
    const end = Math.min(at + TEXT_PIECE, bytes.length);
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length });
    } catch {
      return NOT_ACCEPTED;
    }
    if (CONTROL.test(text)) return NOT_ACCEPTED;
    if (head === null) {
      const first = text.search(NOT_BLANK);
      if (first >= 0) head = text.slice(first, first + MARKUP_REACH);
    } else if (head.length < MARKUP_REACH) head += text.slice(0, MARKUP_REACH - head.length);
    if (end < bytes.length) yield;
  }
  return head !== null && looksLikeMarkup(head) ? NOT_ACCEPTED : { kind: KINDS.text };
}

/** The kind of `bytes`, or null when it is none the service takes (see `examineFile` for why). */
export function detectKind(bytes: Uint8Array): FileKind | null {
  return examineFile(bytes).kind;
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
