/**
 * The certificate as a PDF (pdfkit), with DejaVu Sans embedded from the `dejavu-fonts-ttf`
 * package (so it never depends on the machine's fonts). The document is tagged: a
 * structure tree (Document, H1, P), the language (en-GB) and a title shown in the window
 * bar; the border is marked as an artifact so screen readers skip it.
 */
import { createRequire } from 'node:module';
import { certificateTime, formatCertCode, type CertificateFacts } from '../../shared/feedback.js';
import { minutesInWords } from '../attendance/compute.js';

/**
 * pdfkit is imported here, at the first certificate, and not by an import declaration: this
 * module is itself loaded on first use (certificates/service.ts), but in the bundle pdfkit
 * stays a package of its own (server/build.ts), and esbuild hoists a static import of such a
 * package to the top of dist/server.mjs, which would load it (with fontkit and its Unicode
 * tables) at every start.
 */
let pdfkitLib: Promise<{ default: typeof import('pdfkit') }> | undefined;
const pdfkit = () => (pdfkitLib ??= import('pdfkit'));

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** A YYYY-MM-DD date as "10 February 2026". */
export const printedDate = (ymd: string) => longDate.format(new Date(`${ymd}T00:00:00Z`));

/** The lines a certificate prints, in order, as label and value (shared with the tests and the verify page's wording). */
export function certificateLines(c: CertificateFacts): { heading: string; lines: [string, string][] } {
  const lines: [string, string][] = [];
  if (c.kind === 'attendance') {
    lines.push(['Session', c.sessionTitle ?? '']);
    if (c.courseTitle) lines.push(['Course', c.courseTitle]);
    lines.push(['Date', printedDate(c.date)]);
    // The times and length (stored with the certificate and compared as its other facts are:
    // certificates/service.ts); none on one issued before certificates printed them.
    const time = certificateTime(c);
    if (time) {
      lines.push(['Time', time.range]);
      lines.push(['Length of session', minutesInWords(time.lengthMinutes)]);
    }
    if (c.minutes !== null) lines.push(['Minutes attended', String(c.minutes)]);
  } else {
    lines.push(['Course', c.courseTitle ?? '']);
    lines.push(['Completed on', printedDate(c.date)]);
  }
  lines.push(['Verification code', formatCertCode(c.code)]);
  return {
    heading: c.kind === 'attendance' ? 'Certificate of attendance' : 'Certificate of course completion',
    lines,
  };
}

/** Where the text starts on the page. */
const TOP = 80;

type Block = (font: 'body' | 'bold', size: number, text: string, gapLines: number) => void;

/**
 * The largest scale (1 at most, down to 0.4) of every font size at which the blocks that
 * `layout` names (each after a gap of `gapLines` lines of its own size) fit in `room` points
 * of height, wrapped at `width`. Measured a little generously (labels as if bold), so what
 * is measured to fit does fit.
 */
function fittingScale(doc: PDFKit.PDFDocument, width: number, room: number, layout: (block: Block) => void): number {
  for (let k = 1; k > 0.4; k -= 0.05) {
    let height = 0;
    layout((font, size, text, gapLines) => {
      doc.font(font).fontSize(size * k);
      height += gapLines * doc.currentLineHeight(true) + (text ? doc.heightOfString(text, { width, align: 'center' }) : 0);
    });
    if (height <= room - 4) return k;
  }
  return 0.4;
}

/** Renders the certificate; `verifyUrl` is printed so anyone can check the code. */
export async function renderCertificatePdf(c: CertificateFacts, verifyUrl: string, issuedAt: Date): Promise<Buffer> {
  const { default: PDFDocument } = await pdfkit();
  const { heading, lines } = certificateLines(c);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 60,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    font: FONT,
    info: { Title: `${heading}: ${c.name}`, Author: 'SEND Live Training', Subject: c.kind === 'attendance' ? (c.sessionTitle ?? '') : (c.courseTitle ?? ''), Keywords: `certificate, ${c.code}`, CreationDate: issuedAt, ModDate: issuedAt },
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const { width, height } = doc.page;
  // The border is decoration.
  doc.markContent('Artifact', { type: 'Layout' });
  doc.lineWidth(3).strokeColor('#1d4ed8').rect(24, 24, width - 48, height - 48).stroke();
  doc.lineWidth(1).rect(32, 32, width - 64, height - 64).stroke();
  doc.endMarkedContent();

  const root = doc.struct('Document');
  doc.addStructure(root);
  const textWidth = width - 120;
  const what = c.kind === 'attendance' ? 'attended this live session of the SEND and inclusion training.' : 'completed this course of the SEND and inclusion training.';
  const check = `Check this certificate at ${verifyUrl}`;
  // One page, always: long names and titles (up to 200 characters each) are set smaller
  // rather than pushing the code and the check line onto a second page.
  const k = fittingScale(doc, textWidth, doc.page.maxY() - TOP, (block) => {
    block('bold', 30, heading, 0);
    block('body', 14, 'This certifies that', 1);
    block('bold', 26, c.name, 0.3);
    block('body', 14, what, 0.3);
    block('body', 14, '', 1);
    for (const [label, value] of lines) block('bold', 14, `${label}: ${value}`, 0);
    block('body', 11, check, 1.5);
  });
  root.add(doc.struct('H1', {}, () => doc.font('bold').fontSize(30 * k).fillColor('#1a1a1a').text(heading, 60, TOP, { width: textWidth, align: 'center' })));
  root.add(doc.struct('P', {}, () => doc.font('body').fontSize(14 * k).moveDown(1).text('This certifies that', { width: textWidth, align: 'center' })));
  root.add(doc.struct('P', {}, () => doc.font('bold').fontSize(26 * k).moveDown(0.3).text(c.name, { width: textWidth, align: 'center' })));
  root.add(doc.struct('P', {}, () => doc.font('body').fontSize(14 * k).moveDown(0.3).text(what, { width: textWidth, align: 'center' })));
  doc.moveDown(1);
  for (const [label, value] of lines) {
    root.add(doc.struct('P', {}, () => doc.font('body').fontSize(14 * k).text(`${label}: `, { width: textWidth, align: 'center', continued: true }).font('bold').text(value)));
  }
  root.add(doc.struct('P', {}, () => doc.font('body').fontSize(11 * k).moveDown(1.5).text(check, { width: textWidth, align: 'center' })));
  root.end();
  doc.end();
  return done;
}
