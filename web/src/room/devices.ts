/** Camera and microphone problems, in plain words. */

export type DeviceProblem = 'denied' | 'not_found' | 'in_use' | 'insecure' | 'other';

/** Classifies a getUserMedia failure (a DOMException name) into something a person can act on. */
export function problemOf(error: unknown): DeviceProblem {
  if (typeof window !== 'undefined' && !window.isSecureContext) return 'insecure';
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'not_found';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'in_use';
  return 'other';
}

/** `joinable`: the room can be joined (else the words do not say the person can still join to watch and listen). */
export function problemMessage(problem: DeviceProblem, what: 'camera' | 'microphone' | 'camera and microphone', joinable = true): string {
  const still = joinable ? ' You can still join to watch and listen.' : '';
  switch (problem) {
    case 'denied':
      return `Your browser is not letting this page use your ${what}. To allow it, select the camera or lock symbol in the address bar, allow the ${what}, then choose "Check again".${still}`;
    case 'not_found':
      return `No ${what} was found. Plug one in or switch it on, then choose "Check again".${still}`;
    case 'in_use':
      return `Your ${what} is being used by another app, such as another video call. Close that app, then choose "Check again".`;
    case 'insecure':
      return `Your browser only allows the ${what} on secure (https) pages. Ask your administrator to serve this site over https.`;
    default:
      return `Your ${what} could not be started. Choose "Check again"${joinable ? ', or join to watch and listen' : ''}.`;
  }
}

export interface DeviceChoice {
  deviceId: string;
  label: string;
}

/** Devices of one kind with readable labels (browsers hide labels until permission is given). */
export function choicesOf(devices: MediaDeviceInfo[], kind: MediaDeviceKind, noun: string): DeviceChoice[] {
  return devices
    .filter((d) => d.kind === kind && d.deviceId)
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${noun} ${i + 1}` }));
}
