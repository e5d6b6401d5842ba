import { describe, expect, it } from 'vitest';
import { FILES } from '../../test/materials-files.js';
import { checkedLink, contentDisposition, detectKind, KINDS, safeFileName } from './files.js';

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

  it('is always an attachment, in ASCII and RFC 8187 forms', () => {
    expect(contentDisposition('x.pdf')).toBe(`attachment; filename="x.pdf"; filename*=UTF-8''x.pdf`);
    expect(contentDisposition('Zones – régulation (1).pptx')).toBe(`attachment; filename="Zones _ r_gulation (1).pptx"; filename*=UTF-8''Zones%20%E2%80%93%20r%C3%A9gulation%20%281%29.pptx`);
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
