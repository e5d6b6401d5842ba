/**
 * The transcript as WebVTT: one cue per final caption segment, timed from the session's
 * start, with the speaker as a `<v>` voice span. Text is escaped so that no caption can
 * end a cue early or forge a timing line.
 */

export interface TranscriptSegment {
  text: string;
  startedAt: number;
  endedAt: number | null;
  speakerName: string | null;
}

/**
 * WebVTT cue text: &, < and > escaped (so "-->" cannot appear), line breaks folded: each run
 * of white space holding a line break becomes one space, other runs are kept as they are.
 * Each run is matched once (/\s+/ cannot backtrack into itself), so the work is linear; a
 * pattern that looks for a line break inside the run from every one of its characters
 * takes time quadratic in the run, and a caption may be a 5,000-character run.
 */
export function escapeCueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s+/g, (run) => (run.includes('\n') || run.includes('\r') ? ' ' : run))
    .trim();
}

/** A voice annotation: no markup, no line breaks. */
function escapeVoice(name: string): string {
  return escapeCueText(name).replace(/\s+/g, ' ');
}

/**
 * The text after "WEBVTT " on the file's first line, where nothing is read as markup (so a
 * title is kept as written: "Speech & language", not "Speech &amp; language"). It must hold
 * no line break and no "-->" (each run of white space holding a line break becomes one space,
 * each run of hyphens before ">" becomes "->").
 */
export function vttHeaderText(title: string): string {
  // A whole run of hyphens at once ("--->" shortened by one would still hold "-->"), each run
  // matched once, as in escapeCueText.
  return title
    .replace(/\s+/g, (run) => (run.includes('\n') || run.includes('\r') ? ' ' : run))
    .replace(/-+>?/g, (run) => (run.length > 2 && run.endsWith('>') ? '->' : run))
    .trim();
}

export function vttTime(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const milli = t % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(h)}:${p(m)}:${p(s)}.${p(milli, 3)}`;
}

const MIN_CUE_MS = 1000;

/** The WebVTT document for final segments, ordered by start; times relative to `sessionStartMs`. */
export function toWebVtt(segments: readonly TranscriptSegment[], sessionStartMs: number, title?: string): string {
  const sorted = [...segments].sort((a, b) => a.startedAt - b.startedAt);
  const header = title ? vttHeaderText(title) : '';
  const lines: string[] = [header ? `WEBVTT - ${header}` : 'WEBVTT', ''];
  let n = 0;
  for (const seg of sorted) {
    const text = escapeCueText(seg.text);
    if (!text) continue;
    const start = Math.max(0, seg.startedAt - sessionStartMs);
    // A segment without an end lasts about as long as it takes to read, at least a second.
    const spoken = seg.endedAt !== null ? seg.endedAt - sessionStartMs : start + Math.max(MIN_CUE_MS, text.split(/\s+/).length * 400);
    const end = Math.max(spoken, start + MIN_CUE_MS);
    lines.push(String(++n), `${vttTime(start)} --> ${vttTime(end)}`, seg.speakerName ? `<v ${escapeVoice(seg.speakerName)}>${text}</v>` : text, '');
  }
  return lines.join('\n');
}
