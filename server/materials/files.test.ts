import { describe, expect, it } from 'vitest';
import { contentTypes, FILES, OFFICE, zip } from '../../test/materials-files.js';
import { checkedLink, detectKind, examineFile, examineFileInTurns, KINDS, looksLikeMarkup, MAX_CONTENT_TYPES_BYTES, safeFileName, TEXT_PIECE } from './files.js';

describe('what a file is, by its bytes', () => {
  it('knows each kind it takes', () => {
    expect(detectKind(FILES.pdf)).toBe(KINDS.pdf);
    expect(detectKind(FILES.png)).toBe(KINDS.png);
    expect(detectKind(FILES.jpeg)).toBe(KINDS.jpeg);
    expect(detectKind(FILES.docx)).toBe(KINDS.docx);
    expect(detectKind(FILES.pptx)).toBe(KINDS.pptx);
    expect(detectKind(FILES.xlsx)).toBe(KINDS.xlsx);
    expect(detectKind(FILES.text)).toBe(KINDS.text);
    expect(detectKind(FILES.textWithScript)).toBe(KINDS.text);
  });

  it('refuses web pages, SVG, XML, plain ZIPs, programs, binary junk and empty files', () => {
    for (const bytes of [FILES.html, FILES.svg, Buffer.from('<?xml version="1.0"?><a/>'), Buffer.from('  <!-- x --><p>hi'), FILES.plainZip, FILES.exe, Buffer.from([0xc3, 0x28]), Buffer.from('a\u0000b'), Buffer.alloc(0), Buffer.from('PK\u0003\u0004garbage')]) {
      expect(detectKind(bytes)).toBeNull();
    }
  });

  it('takes Word, PowerPoint and Excel files as Office writes them (deflated, with their content types declared)', () => {
    expect(detectKind(FILES.realDocx)).toBe(KINDS.docx);
    expect(detectKind(FILES.realPptx)).toBe(KINDS.pptx);
    expect(detectKind(FILES.realXlsx)).toBe(KINDS.xlsx);
    expect(examineFile(FILES.realXlsx)).toEqual({ kind: KINDS.xlsx });
    // Stored (not deflated) and with more parts and kinds of content declared.
    const more = '<Default Extension="png" ContentType="image/png"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>';
    expect(detectKind(zip({ '[Content_Types].xml': contentTypes('/xl/workbook.xml', OFFICE.xlsxMain, more), 'xl/workbook.xml': '<workbook/>', 'xl/worksheets/sheet1.xml': '<worksheet/>', 'xl/media/image1.png': FILES.png }))).toBe(KINDS.xlsx);
  });
});

describe('Office files with macros', () => {
  const xl = (types: string | Buffer, more: Record<string, string | Buffer> = {}, opts = { deflate: true }) => zip({ '[Content_Types].xml': types, 'xl/workbook.xml': '<workbook/>', ...more }, opts);
  const macroTypes = (mainType: string) => contentTypes('/xl/workbook.xml', mainType);

  it('refuses macro-enabled documents, presentations, workbooks, templates, slide shows and add-ins, saying why', () => {
    for (const [name, bytes] of Object.entries({ xlsm: FILES.xlsm, docm: FILES.docm, pptm: FILES.pptm, xltm: FILES.xltm, xlam: FILES.xlam, dotm: FILES.dotm, potm: FILES.potm, ppsm: FILES.ppsm, ppam: FILES.ppam })) {
      expect(detectKind(bytes), name).toBeNull();
      expect(examineFile(bytes), name).toEqual({ kind: null, refused: 'macros' });
    }
  });

  it('refuses a VBA project whatever else the file declares, and a macro-enabled content type without one', () => {
    const variants: Record<string, Buffer> = {
      'vbaProject.bin with macro-free content types': xl(macroTypes(OFFICE.xlsxMain), { 'xl/vbaProject.bin': OFFICE.vbaProject }),
      'vbaProject.bin, stored, with no content types declared': zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>', 'xl/vbaProject.bin': OFFICE.vbaProject }),
      'vbaProject.bin in upper case': xl(macroTypes(OFFICE.xlsxMain), { 'XL/VBAPROJECT.BIN': OFFICE.vbaProject }),
      'vbaData.xml (Word)': zip({ '[Content_Types].xml': contentTypes('/word/document.xml', OFFICE.docxMain), 'word/document.xml': '<w:document/>', 'word/vbaData.xml': '<wne:vbaSuppData/>' }),
      'macro-enabled main content type without a VBA project': xl(macroTypes('application/vnd.ms-excel.sheet.macroEnabled.main+xml')),
      'the content type in other letter cases': xl(macroTypes('APPLICATION/VND.MS-EXCEL.SHEET.MACROENABLED.MAIN+XML')),
      'the content type written with character references': xl(macroTypes('application/vnd.ms-excel.sheet.macro&#69;nabled.main+xml')),
      'the content type written with hexadecimal character references': xl(macroTypes('application/vnd.ms-excel.sheet.macro&#x45;n&#x61;bled.main+xml')),
      'a VBA project renamed, found by its content type': xl(contentTypes('/xl/workbook.xml', OFFICE.xlsxMain, '<Override PartName="/xl/code.bin" ContentType="application/vnd.ms-office.vbaProject"/>'), { 'xl/code.bin': OFFICE.vbaProject }),
      'an Excel 4.0 macro sheet': xl(contentTypes('/xl/workbook.xml', OFFICE.xlsxMain, '<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>'), { 'xl/macrosheets/sheet1.xml': '<xm:macrosheet/>' }),
      '[Content_Types].xml in UTF-16': xl(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(macroTypes('application/vnd.ms-excel.sheet.macroEnabled.main+xml').replace('UTF-8', 'UTF-16'), 'utf16le')])),
      '[Content_Types].xml in UTF-16 big-endian': xl(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(macroTypes('application/vnd.ms-excel.sheet.macroEnabled.main+xml'), 'utf16le').swap16()])),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      expect(detectKind(bytes), name).toBeNull();
      expect(examineFile(bytes), name).toEqual({ kind: null, refused: 'macros' });
    }
  });

  it('refuses an Office file whose [Content_Types].xml it cannot read, or only beyond a bounded size', () => {
    const understated = (b: Buffer) => {
      b.writeUInt32LE(100, 22);
      b.writeUInt32LE(100, b.readUInt32LE(b.length - 22 + 16) + 24);
      return b;
    };
    const padded = (n: number) => macroTypes(OFFICE.xlsxMain).replace('<Types', `<!--${' '.repeat(n)}--><Types`);
    const unreadable: Record<string, Buffer> = {
      'over the size limit': xl(padded(MAX_CONTENT_TYPES_BYTES)),
      'over the size limit, stored': xl(padded(MAX_CONTENT_TYPES_BYTES), {}, { deflate: false }),
      // The sizes it declares (in its local header and the central directory) say 100 bytes: inflating still stops at the limit.
      'over the size limit, its size understated': understated(xl(padded(MAX_CONTENT_TYPES_BYTES))),
      'an unknown compression method': zip({ '[Content_Types].xml': macroTypes(OFFICE.xlsxMain), 'xl/workbook.xml': '<workbook/>' }, { method: 14 }),
      'twice, the second macro-enabled': zip([['[Content_Types].xml', macroTypes(OFFICE.xlsxMain)], ['[content_types].xml', macroTypes('application/vnd.ms-excel.sheet.macroEnabled.main+xml')], ['xl/workbook.xml', '<workbook/>']]),
      // Its data (after the 30-byte local header and the 19-byte name) made a deflate block of the reserved type.
      'not deflate data': xl(macroTypes(OFFICE.xlsxMain)).fill(0xff, 30 + 19, 30 + 19 + 4),
    };
    for (const [name, bytes] of Object.entries(unreadable)) {
      expect(detectKind(bytes), name).toBeNull();
      expect(examineFile(bytes), name).toEqual({ kind: null, refused: 'kind' });
    }
    // Exactly at the limit is read (and taken), deflated or stored.
    const atLimit = padded(MAX_CONTENT_TYPES_BYTES - padded(0).length);
    expect(atLimit).toHaveLength(MAX_CONTENT_TYPES_BYTES);
    expect(detectKind(xl(atLimit))).toBe(KINDS.xlsx);
    expect(detectKind(xl(atLimit, {}, { deflate: false }))).toBe(KINDS.xlsx);
    expect(detectKind(understated(xl(atLimit)))).toBe(KINDS.xlsx);
  });
});

describe('text', () => {
  it('takes UTF-8 text in any script: accented letters, right-to-left text, symbols', () => {
    expect(detectKind(FILES.textInternational)).toBe(KINDS.text);
    for (const s of ['Zoë’s café — naïve façade', 'مرحبا بكم في التدريب', 'שלום לכולם', '\u200Fمرحبا\u200E ok', 'Ağrı, Łódź, Ærø', '日本語のメモ', '½ day · 5 € · 10 ° · non-breaking\u00a0space', 'emoji 👩‍🏫 fine', 'tab\tCR\r\nform feed\f']) {
      expect(detectKind(Buffer.from(s)), JSON.stringify(s)).toBe(KINDS.text);
    }
  });

  it('refuses C1 control characters (U+0080 to U+009F), as it does C0 ones other than tab, CR, LF and FF', () => {
    for (const s of ['\u0085<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', '\u0085plain words', 'a\u0085b', '\u0080', 'end\u009f', '\u009b31m', 'a\u000bb', 'a\u007fb']) {
      expect(detectKind(Buffer.from(s)), JSON.stringify(s)).toBeNull();
      expect(examineFile(Buffer.from(s)), JSON.stringify(s)).toEqual({ kind: null, refused: 'kind' });
    }
    expect(detectKind(FILES.svgAfterNel)).toBeNull();
  });
});

describe('text that a browser could take for markup', () => {
  // Anything starting (after a BOM and white space) with `<` and then `!`, `?` or what starts a
  // tag name (a letter, `_`, `:`, after an optional `/`): a tag of any name, in any namespace,
  // a doctype, a comment, a CDATA section, an XML declaration or processing instruction.
  const markup = [
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    '<rss version="2.0"><channel/></rss>',
    '<?xml-stylesheet href="x.xsl"?><a/>',
    '<?XML version="1.0"?><a/>',
    '<? xml version="1.0"?><a/>',
    '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    '<feed xmlns="http://www.w3.org/2005/Atom"/>',
    '<Svg onload=alert(1)>',
    '<html>',
    '<!---->',
    '<![CDATA[x]]>',
    '<ÿ>',
    '\uFEFF  \n\t<svg/>',
    '\r\n\f <body onload=alert(1)>',
    '</div><script>alert(1)</script>',
    '<_x xmlns="http://www.w3.org/1999/xhtml"/>',
    '<:x/>',
    // After any Unicode white space (NEL, no-break, ideographic, line and paragraph separators) or invisible characters.
    '\u0085<svg onload=alert(1)>',
    '\u00a0<svg/>',
    '\u2028\u2029<svg/>',
    '\u3000\u1680\u2000\u205f<svg/>',
    '\u200b<svg/>',
    '\u2060\uFEFF\uFEFF<svg/>',
    '\u00ad<svg/>',
  ];
  const text = ['<3 thanks for coming!', '< 5 pupils per group', '<= 10 minutes', '<<Pupil name>>', '<-- see slide 3', '<@home> note', '<1> first point', '</3', '<– see slide 3', 'Zones of regulation\n<svg> in the middle is fine', 'name,email\nKim,<kim@ash.sch.uk>\n', '# Notes\n\n<details> later on', '>quoted', ''];

  it('refuses every kind of tag, doctype, comment or processing instruction at the start', () => {
    for (const s of markup) {
      expect(looksLikeMarkup(s), JSON.stringify(s)).toBe(true);
      expect(detectKind(Buffer.from(s)), JSON.stringify(s)).toBeNull();
    }
  });

  it('takes plain text, CSV and Markdown, even when they start with a `<` that opens no tag', () => {
    for (const s of text) expect(looksLikeMarkup(s), JSON.stringify(s)).toBe(false);
    for (const s of text.filter(Boolean)) expect(detectKind(Buffer.from(s)), JSON.stringify(s)).toBe(KINDS.text);
    expect(detectKind(Buffer.from('\uFEFF<3 thanks'))).toBe(KINDS.text);
    expect(detectKind(Buffer.from('\u00a0\u3000<3 thanks'))).toBe(KINDS.text);
  });

  it('reads text a piece at a time, giving the event loop back between pieces (a 20 MB file: about twenty turns), with the same verdict whatever falls on a piece’s edge', async () => {
    const big = Buffer.from('Notes, notes and more notes\n'.repeat(Math.ceil((20 * 1024 * 1024) / 28)));
    let turns = 0;
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const verdict = await examineFileInTurns(big);
    ticking = false;
    expect(verdict).toEqual({ kind: KINDS.text });
    expect(turns).toBeGreaterThanOrEqual(Math.floor(big.length / TEXT_PIECE) - 1);

    const edge = (before: string, after: string) => Buffer.concat([Buffer.from(before), Buffer.from(after)]);
    const blanks = ' '.repeat(TEXT_PIECE - 2);
    const cases: [string, Buffer, ReturnType<typeof examineFile>][] = [
      ['markup starting on the last bytes of a piece', edge(blanks, '<svg onload=alert(1)>'), { kind: null, refused: 'kind' }],
      ['markup after a whole piece of blanks', edge(' '.repeat(TEXT_PIECE), '<svg>'), { kind: null, refused: 'kind' }],
      ['a two-byte letter across the edge', edge(`${blanks}x`, 'é and more'), { kind: KINDS.text }],
      ['a four-byte character across the edge', edge(' '.repeat(TEXT_PIECE - 1), '😀 notes'), { kind: KINDS.text }],
      ['a control character in the last piece', edge(`${blanks}ok`, 'text\u0007'), { kind: null, refused: 'kind' }],
      ['a sequence cut short at the very end', Buffer.concat([Buffer.from(`${blanks}ok`), Buffer.from([0xc3])]), { kind: null, refused: 'kind' }],
      ['text with a <tag> only after the start', edge('Notes: ', `${blanks}<svg>`), { kind: KINDS.text }],
    ];
    for (const [name, bytes, expected] of cases) {
      expect(examineFile(bytes), name).toEqual(expected);
      expect(await examineFileInTurns(bytes), name).toEqual(expected);
    }
  });

  it('looks past millions of blank characters at the start (a 20 MB upload of them) without failing', () => {
    for (const blank of ['\u00a0', ' ', '\u200b']) {
      const run = blank.repeat(10_000_000);
      expect(looksLikeMarkup(`${run}<svg onload=alert(1)>`), JSON.stringify(blank)).toBe(true);
      expect(looksLikeMarkup(`${run}Notes for the session`), JSON.stringify(blank)).toBe(false);
      expect(looksLikeMarkup(run), JSON.stringify(blank)).toBe(false);
    }
  });
});

describe('the name a file is kept under', () => {
  it('drops folders and gives the extension of what the file really is', () => {
    expect(safeFileName('../x.html', KINDS.pdf)).toBe('x.pdf');
    expect(safeFileName('..\\..\\windows\\evil.exe', KINDS.png)).toBe('evil.png');
    expect(safeFileName('notes.csv', KINDS.text)).toBe('notes.csv');
    expect(safeFileName('notes.html', KINDS.text)).toBe('notes.txt');
    expect(safeFileName('.htaccess', KINDS.text)).toBe('htaccess.txt');
    expect(safeFileName('', KINDS.pdf)).toBe('material.pdf');
    expect(safeFileName('a"b<c>\u0007\u202e.pdf', KINDS.pdf)).toBe('abc.pdf');
    expect(safeFileName('Zones – régulation.pptx', KINDS.pptx)).toBe('Zones – régulation.pptx');
    expect(safeFileName('x'.repeat(400) + '.pdf', KINDS.pdf)).toHaveLength(124);
  });
});

describe('links', () => {
  it('takes http(s) addresses only', () => {
    expect(checkedLink(' https://example.org/slides ')).toBe('https://example.org/slides');
    expect(checkedLink('http://example.org')).toBe('http://example.org/');
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>', 'ftp://example.org/x', '/relative', 'https://user:pw@example.org/', 'not a url', 'file:///etc/passwd']) {
      expect(checkedLink(bad)).toBeNull();
    }
  });
});
