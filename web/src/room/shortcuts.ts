/**
 * Single-key shortcuts in the live room. They never fire while someone is typing (inputs,
 * text areas, selects, editable content) or with a modifier held, and the user can turn
 * them off (WCAG 2.1.4 Character Key Shortcuts).
 */
export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'captions' | 'chat';

export const SHORTCUTS: { key: string; action: ShortcutAction; label: string }[] = [
  { key: 'M', action: 'mic', label: 'Mute or unmute your microphone' },
  { key: 'V', action: 'camera', label: 'Turn your camera on or off' },
  { key: 'H', action: 'hand', label: 'Raise or lower your hand' },
  { key: 'C', action: 'captions', label: 'Show or hide captions' },
  { key: 'T', action: 'chat', label: 'Go to the chat message box' },
];

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
  target: EventTarget | null;
}

/** True when keys typed at `target` are text, not commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return !!el.closest('[contenteditable="true"]');
}

/** The action for a key press, or null when it is not a shortcut here and now. */
export function shortcutFor(e: KeyLike, enabled: boolean): ShortcutAction | null {
  if (!enabled || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return null;
  if (isTypingTarget(e.target)) return null;
  const k = e.key.length === 1 ? e.key.toUpperCase() : '';
  return SHORTCUTS.find((s) => s.key === k)?.action ?? null;
}
