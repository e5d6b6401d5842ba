/** The live-room pages' routes, plugged into the shell's route table with one line. */
import type { JSX } from 'preact';
import type { MeValue } from '../components.js';
import { lazyPage } from '../lazy.js';
import { CheckinPage } from '../pages/CheckinPage.js';
import { match, type Location } from '../router.js';

// The live room (with its video, captions and attendance) and the register are trainers' pages,
// each its own chunk; check-in, opened on a phone from a QR code, comes with the app.
const RoomPage = lazyPage(() => import('../pages/RoomPage.js').then((m) => m.RoomPage));
const AttendanceRegisterPage = lazyPage(() => import('../pages/AttendanceRegisterPage.js').then((m) => m.AttendanceRegisterPage));

/** The page for a live-room path (`/sessions/:id/room`, `/checkin`, `/register`), or null. */
export function liveRoute(path: string, _me: MeValue, loc: Location): JSX.Element | null {
  let m = match('/sessions/:id/room', path);
  if (m) return <RoomPage key={m.id} id={m.id!} />;
  m = match('/sessions/:id/checkin', path);
  if (m) return <CheckinPage key={`${m.id}?${loc.query.toString()}`} id={m.id!} />;
  m = match('/sessions/:id/register', path);
  if (m) return <AttendanceRegisterPage key={m.id} id={m.id!} />;
  return null;
}
