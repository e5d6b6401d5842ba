import { describe, expect, it } from 'vitest';
import { FILES } from '../../test/materials-files.js';
import { checkedLink, detectKind, KINDS, looksLikeMarkup, safeFileName } from './files.js';

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
