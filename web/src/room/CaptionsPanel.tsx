/**
 * The captions panel: each segment with its speaker's name, interim text marked as such,
 * and the viewer's own display settings (text size, high contrast, position), remembered
 * per user. Only finished captions are announced to screen readers, and that can be
 * turned off, so the live region never floods.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { CAPTION_SIZE_LABELS, CAPTION_SIZES, type CaptionSettings, type CaptionSize, type CaptionState } from './captions.js';

/** Segments shown at once in the panel (the list scrolls for more). */
const VISIBLE = 60;

/**
 * In the room the captions panel sits beside or below the video: moving it builds a new panel
 * in the other place, whose "Caption settings" would be closed and whose position choice
 * would not have focus (the focused radio went with the old panel, WCAG 2.4.3). This keeps
 * both across the move: spread what it answers into <CaptionsPanel> (its `onSettings` wraps
 * the caller's). `inRoom`: the panel moves (before joining it stays where it is).
 */
export function usePanelMoves(settings: CaptionSettings, onSettings: (s: CaptionSettings) => void, inRoom: boolean) {
  const [settingsOpen, onSettingsOpen] = useState(false);
  const focusOnMount = useRef<string | null>(null);
  const change = (next: CaptionSettings) => {
    if (inRoom && next.position !== settings.position) focusOnMount.current = `cap-pos-${next.position}`;
    onSettings(next);
  };
  return { settingsOpen, onSettingsOpen, focusOnMount, onSettings: change };
}

export function CaptionsPanel({
  captions,
  settings,
  onSettings,
  nameOf,
  waitingText,
  settingsOpen,
  onSettingsOpen,
  focusOnMount,
  children,
}: {
  captions: CaptionState;
  settings: CaptionSettings;
  onSettings: (s: CaptionSettings) => void;
  /** "Caption settings" open or closed, held by the page so a moved (rebuilt) panel keeps it. */
  settingsOpen?: boolean;
  onSettingsOpen?: (open: boolean) => void;
  /** The id of a control to focus once this panel is in the page (the position just chosen, after a move); cleared when used. */
  focusOnMount?: { current: string | null };
  nameOf: (identity: string) => string;
  waitingText: string;
  /** Captioning controls (speech recognition, the captioner's box) when the viewer may caption. */
  children?: ComponentChildren;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const [stuckToEnd, setStuckToEnd] = useState(true);
  // Moved beside or below the video, the panel is a new one: the position just chosen keeps
  // focus (before the room's own recovery would send it to the room's state).
  useLayoutEffect(() => {
    const id = focusOnMount?.current;
    if (!id) return;
    focusOnMount.current = null;
    const el = document.getElementById(id);
    // Chosen inside "Caption settings", which the new panel shows open (opened now if the
    // page had not yet heard it was).
    const details = el?.closest('details');
    if (details && !details.open) {
      details.open = true;
      onSettingsOpen?.(true);
    }
    el?.focus();
  }, []);
  const shown = captions.segments.slice(-VISIBLE);
  const last = shown[shown.length - 1];

  // Follow new captions unless the reader has scrolled up to re-read; also when larger text
  // or a move beside the video changes the box's size (no scroll event says so).
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stuckToEnd) el.scrollTop = el.scrollHeight;
  }, [shown.length, last?.text, stuckToEnd, settings.show, settings.size, settings.position]);

  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    const f = captions.lastFinal;
    if (!f || !settings.announce || !settings.show) return;
    const m = `${nameOf(f.speakerIdentity)}: ${f.text}`;
    // The same words twice in a row would not change the live region, so would not be read
    // again; a trailing no-break space makes them new (as the room's own messages do).
    setAnnouncement((prev) => (prev === m ? m + '\u00a0' : m));
  }, [captions.lastFinal]);

  const set = <K extends keyof CaptionSettings>(k: K, v: CaptionSettings[K]) => onSettings({ ...settings, [k]: v });
  const boxClass = ['captions-box', `captions-size-${settings.size}`, settings.highContrast ? 'captions-contrast' : ''].filter(Boolean).join(' ');

  return (
    <section aria-labelledby="captions-title" class={`panel captions-panel captions-at-${settings.position}`}>
      <h2 id="captions-title">Captions</h2>
      {settings.show ? (
        <div
          ref={listRef}
          class={boxClass}
          tabIndex={0}
          role="region"
          aria-label="Caption text"
          onScroll={(e) => {
            const el = e.currentTarget as HTMLDivElement;
            setStuckToEnd(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
          }}
        >
          {shown.length === 0 ? (
            <p class="captions-waiting">{waitingText}</p>
          ) : (
            <ol class="caption-list">
              {shown.map((s) => (
                <li key={s.segmentId} class={s.final ? 'caption caption-final' : 'caption caption-interim'} data-segment-id={s.segmentId}>
                  <span class="caption-speaker">{nameOf(s.speakerIdentity)}:</span> <span class="caption-text">{s.text}</span>
                  {!s.final && <span class="visually-hidden"> (still speaking)</span>}
                </li>
              ))}
            </ol>
          )}
        </div>
      ) : (
        <p>Captions are hidden. Turn on "Show captions" below to see them.</p>
      )}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" id="caption-announcer">
        {settings.announce && settings.show ? announcement : ''}
      </div>
      {children}
      <details class="caption-settings" open={settingsOpen} onToggle={(e) => onSettingsOpen?.((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>Caption settings</summary>
        <div class="caption-settings-body">
          <div class="checkbox">
            <input type="checkbox" id="cap-show" checked={settings.show} onChange={(e) => set('show', e.currentTarget.checked)} />
            <label for="cap-show">Show captions</label>
          </div>
          <div class="field">
            <label for="cap-size">Text size</label>
            <select id="cap-size" value={settings.size} onChange={(e) => set('size', e.currentTarget.value as CaptionSize)}>
              {CAPTION_SIZES.map((s) => (
                <option key={s} value={s}>
                  {CAPTION_SIZE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <div class="checkbox">
            <input type="checkbox" id="cap-contrast" checked={settings.highContrast} onChange={(e) => set('highContrast', e.currentTarget.checked)} />
            <label for="cap-contrast">High contrast (yellow text on black)</label>
          </div>
          <fieldset class="field">
            <legend>Position</legend>
            <div class="radios radios-inline">
              <div class="radio">
                <input type="radio" id="cap-pos-bottom" name="cap-pos" value="bottom" checked={settings.position === 'bottom'} onChange={() => set('position', 'bottom')} />
                <label for="cap-pos-bottom">Below the video</label>
              </div>
              <div class="radio">
                <input type="radio" id="cap-pos-side" name="cap-pos" value="side" checked={settings.position === 'side'} onChange={() => set('position', 'side')} />
                <label for="cap-pos-side">Beside the video</label>
              </div>
            </div>
          </fieldset>
          <div class="checkbox">
            <input type="checkbox" id="cap-announce" checked={settings.announce} onChange={(e) => set('announce', e.currentTarget.checked)} aria-describedby="cap-announce-hint" />
            <label for="cap-announce">Read finished captions aloud with my screen reader</label>
          </div>
          <p class="hint" id="cap-announce-hint">
            Only complete sentences are read out, not text that is still changing.
          </p>
          <p class="hint">These settings are saved on this device for your account.</p>
        </div>
      </details>
    </section>
  );
}
