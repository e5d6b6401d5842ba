/** Small real files of each kind the materials library takes, and some it refuses (tests only). */
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A ZIP holding `entries` (an array when a name is to appear twice), as Office Open XML
 * files are: stored by default, deflated (as Office writes them) with `deflate`, or marked
 * with any other compression `method` (its bytes then stored as they are).
 */
export function zip(entries: Record<string, string | Buffer> | [string, string | Buffer][], opts: { deflate?: boolean; method?: number } = {}): Buffer {
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  const method = opts.method ?? (opts.deflate ? 8 : 0);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of list) {
    const raw = Buffer.from(content);
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const nameBytes = Buffer.from(name);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A [Content_Types].xml declaring `main` as the content type of the part `part`, and any `more` XML. */
export function contentTypes(part: string, main: string, more = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="${part}" ContentType="${main}"/>${more}</Types>`
  );
}

const types = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
/** Parts of Office files, for building variants of them. */
export const OFFICE = {
  docxMain: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  pptxMain: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  xlsxMain: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  /** How Office declares the VBA project's content type. */
  vbaType: '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
  /** The start of an OLE compound file, as vbaProject.bin is. */
  vbaProject: Buffer.from('d0cf11e0a1b11ae1000000000000000000000000000000003e000300feff0900', 'hex'),
};
const { docxMain: DOCX_MAIN, pptxMain: PPTX_MAIN, xlsxMain: XLSX_MAIN, vbaType: VBA_TYPE, vbaProject: vba } = OFFICE;
/** Office files with macros (VBA), as Office saves them: a macro-enabled main content type and a vbaProject.bin. */
const macroFile = (folder: 'word' | 'ppt' | 'xl', main: string, mainType: string) =>
  zip({ '[Content_Types].xml': contentTypes(`/${folder}/${main}`, mainType, VBA_TYPE), [`${folder}/${main}`]: '<x/>', [`${folder}/vbaProject.bin`]: vba }, { deflate: true });
export const FILES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  png: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
  jpeg: Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'),
  docx: zip({ '[Content_Types].xml': types, 'word/document.xml': '<w:document/>' }),
  pptx: zip({ '[Content_Types].xml': types, 'ppt/presentation.xml': '<p:presentation/>' }),
  xlsx: zip({ '[Content_Types].xml': types, 'xl/workbook.xml': '<workbook/>' }),
  plainZip: zip({ 'notes.txt': 'hello' }),
  /** As Office writes them: deflated, each declaring its main part's (macro-free) content type. */
  realDocx: zip({ '[Content_Types].xml': contentTypes('/word/document.xml', DOCX_MAIN), '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' }, { deflate: true }),
  /** Office's templates and a slide show: their main part declared as one. */
  realDotx: zip({ '[Content_Types].xml': contentTypes('/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml'), 'word/document.xml': '<w:document/>' }, { deflate: true }),
  realPotx: zip({ '[Content_Types].xml': contentTypes('/ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.template.main+xml'), 'ppt/presentation.xml': '<p:presentation/>' }, { deflate: true }),
  realPpsx: zip({ '[Content_Types].xml': contentTypes('/ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml'), 'ppt/presentation.xml': '<p:presentation/>' }, { deflate: true }),
  realXltx: zip({ '[Content_Types].xml': contentTypes('/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml'), 'xl/workbook.xml': '<workbook/>' }, { deflate: true }),
  realPptx: zip({ '[Content_Types].xml': contentTypes('/ppt/presentation.xml', PPTX_MAIN), '_rels/.rels': '<Relationships/>', 'ppt/presentation.xml': '<p:presentation/>' }, { deflate: true }),
  realXlsx: zip({ '[Content_Types].xml': contentTypes('/xl/workbook.xml', XLSX_MAIN), '_rels/.rels': '<Relationships/>', 'xl/workbook.xml': '<workbook/>' }, { deflate: true }),
  xlsm: macroFile('xl', 'workbook.xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml'),
  docm: macroFile('word', 'document.xml', 'application/vnd.ms-word.document.macroEnabled.main+xml'),
  pptm: macroFile('ppt', 'presentation.xml', 'application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml'),
  xltm: macroFile('xl', 'workbook.xml', 'application/vnd.ms-excel.template.macroEnabled.main+xml'),
  xlam: macroFile('xl', 'workbook.xml', 'application/vnd.ms-excel.addin.macroEnabled.main+xml'),
  dotm: macroFile('word', 'document.xml', 'application/vnd.ms-word.template.macroEnabledTemplate.main+xml'),
  potm: macroFile('ppt', 'presentation.xml', 'application/vnd.ms-powerpoint.template.macroEnabled.main+xml'),
  ppsm: macroFile('ppt', 'presentation.xml', 'application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml'),
  ppam: macroFile('ppt', 'presentation.xml', 'application/vnd.ms-powerpoint.addin.macroEnabled.main+xml'),
  text: Buffer.from('Zones of regulation: facilitator notes\nSlide 1: welcome\n'),
  html: Buffer.from('<!DOCTYPE html>\n<html><body><script>fetch("/api/me")</script></body></html>\n'),
  textWithScript: Buffer.from('Notes on safe web pages.\nNever paste <script>alert(document.cookie)</script> into a page.\n'),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  /** SVG after U+0085 (NEL: a C1 control character, and Unicode white space). */
  svgAfterNel: Buffer.from('\u0085<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  /** UTF-8 text with accented letters and right-to-left scripts (Arabic, Hebrew), and a byte order mark. */
  textInternational: Buffer.from('\uFEFFRéunion des équipes — Zoë, Łukasz, Ağrı\nمرحبا بكم في التدريب\nשלום לכולם\nNaïve café: 5 € / ½ day\n'),
  exe: Buffer.from('4d5a90000300000004000000ffff0000', 'hex'),
};
