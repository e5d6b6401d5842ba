/**
 * Single-key shortcuts in the live room. They never fire while someone is typing (inputs,
 * text areas, selects, editable content) or with a modifier held, and the user can turn
 * them off (WCAG 2.1.4 Character Key Shortcuts).
 */
export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'captions' | 'chat';

/**
 * `label` says what the key does in the room; `beforeJoining`, for a key that also works on
 * the check before joining (where the microphone and camera are choices for joining), what it
 * does there.
 */
export const SHORTCUTS: { key: string; action: ShortcutAction; label: string; beforeJoining?: string }[] = [
  { key: 'M', action: 'mic', label: 'Mute or unmute your microphone', beforeJoining: 'Choose whether to join with your microphone on or off' },
  { key: 'V', action: 'camera', label: 'Turn your camera on or off', beforeJoining: 'Choose whether to join with your camera on or off' },
  { key: 'H', action: 'hand', label: 'Raise or lower your hand' },
  { key: 'C', action: 'captions', label: 'Show or hide captions' },
  { key: 'T', action: 'chat', label: 'Go to the chat message box' },
];

/** Said when a key that only works in the room is pressed before joining (or after leaving). */
export const ONCE_JOINED: Record<Exclude<ShortcutAction, 'captions'>, string> = {
  mic: 'You can mute or unmute your microphone once you have joined.',
  camera: 'You can turn your camera on or off once you have joined.',
  hand: 'You can raise your hand once you have joined.',
  chat: 'The chat opens once you have joined.',
};

/**
 * In the room, the keys a listener (someone who may not publish: `controller.canPublish()` is
 * false) cannot use, and what pressing one says: the room does nothing with it.
 */
export const LISTENING_ONLY: Record<'mic' | 'camera', string> = {
  mic: 'You are listening only, so there is no microphone to mute or unmute. Raise your hand to ask to speak.',
  camera: 'You are listening only, so there is no camera to turn on or off. Raise your hand to ask to speak.',
};

/** Before joining, for someone who will join as a listener: what pressing M or V says. */
export const WILL_LISTEN_ONLY: Record<'mic' | 'camera', string> = {
  mic: 'You will be listening only, so there is no microphone to mute or unmute. Once you have joined, raise your hand to ask to speak.',
  camera: 'You will be listening only, so there is no camera to turn on or off. Once you have joined, raise your hand to ask to speak.',
};

/** True for the keys that need permission to publish (the microphone and camera). */
export function needsPublish(a: ShortcutAction): a is 'mic' | 'camera' {
  return a === 'mic' || a === 'camera';
}

/**
 * Where the shortcut list is shown: in the room, or before joining, where `waiting` names the
 * keys that only work once the person has joined. `canPublish` false: a listener, who has (or
 * will have) no microphone or camera to use.
 */
export type ShortcutPlace = { room: true; canPublish: boolean } | { room: false; waiting: readonly ShortcutAction[]; canPublish: boolean };

/** What the shortcut list says a key does, there and then. */
export function shortcutDescription(s: (typeof SHORTCUTS)[number], place: ShortcutPlace): string {
  if (!place.canPublish && needsPublish(s.action)) return `${s.label} (not available: you ${place.room ? 'are' : 'will be'} listening only)`;
  if (place.room) return s.label;
  return place.waiting.includes(s.action) ? `${s.label} (once you have joined)` : (s.beforeJoining ?? s.label);
}

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
