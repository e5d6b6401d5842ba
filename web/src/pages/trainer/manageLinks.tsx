/**
 * The pages for managing one session, as list items, for those who run it: its card on My
 * sessions and its own page offer the same ones, on the same terms, in the same words. A
 * cancelled session is not edited, written to or held for; once over, it may still be
 * corrected and its people written to, but seats are no longer held on it (the server refuses).
 */
import type { Session } from '../../../../shared/sessions.js';
import { Link } from '../../router.js';

export function ManageLinks({ s, ended }: { s: Pick<Session, 'id' | 'status'>; ended: boolean }) {
  const base = `/trainer/sessions/${encodeURIComponent(s.id)}`;
  return (
    <>
      <li>
        <Link href={`${base}/people`}>Who is coming</Link>
      </li>
      {s.status === 'scheduled' && (
        <>
          <li>
            <Link href={`${base}/edit`}>Edit or cancel</Link>
          </li>
          <li>
            <Link href={`${base}/message`}>Message attendees</Link>
          </li>
          {!ended && (
            <li>
              <Link href={`${base}/holds`}>Seat holds</Link>
            </li>
          )}
        </>
      )}
    </>
  );
}
