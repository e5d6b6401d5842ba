/**
 * The trainer's live attendance panel: everyone booked, who is in the room now (from the
 * LiveKit room itself and from the server's record), and minutes so far. The server's
 * record is fetched again every 30 seconds.
 */
import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import { AttendanceReport, type AttendanceRow } from '../../../shared/attendance.js';
import { identityOf } from '../../../shared/live.js';
import { api } from '../api.js';
import { DownloadLink, TableScroll } from '../components.js';
import { ENGLAND, formatTime, plural, seatLabel } from '../format.js';
import { Loaded, useLoad, type LoadState } from '../load.js';
import { serverNow } from '../clock.js';

export const ATTENDANCE_REFRESH_MS = 30_000;

type Report = z.infer<typeof AttendanceReport>;

/** Loads the session's attendance and keeps it fresh while `enabled` (null while not). */
export function useAttendance(sessionId: string, enabled: boolean) {
  const state = useLoad(() => (enabled ? api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance`, AttendanceReport) : Promise.resolve(null)), [sessionId, enabled], { everyMs: enabled ? ATTENDANCE_REFRESH_MS : undefined });
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  useEffect(() => {
    if (state.data) setLoadedAt(new Date(serverNow()));
  }, [state.data]);
  return { state, loadedAt };
}

export function isPresent(row: AttendanceRow, inRoom: ReadonlySet<string>) {
  return row.inRoom || inRoom.has(identityOf(row.userId));
}

export function AttendancePanel({ state, loadedAt, inRoom, sessionId }: { state: LoadState<Report | null>; loadedAt: Date | null; inRoom: ReadonlySet<string>; sessionId: string }) {
  return (
    <section aria-labelledby="attendance-title" class="panel attendance-panel">
      <h2 id="attendance-title">Attendance</h2>
      <Loaded state={state} what="attendance">
        {(report) => (report ? <AttendanceTable report={report} loadedAt={loadedAt} inRoom={inRoom} sessionId={sessionId} /> : <p class="loading">Loading attendance…</p>)}
      </Loaded>
    </section>
  );
}

function AttendanceTable({ report, loadedAt, inRoom, sessionId }: { report: Report; loadedAt: Date | null; inRoom: ReadonlySet<string>; sessionId: string }) {
  const rows = report.items;
  const present = rows.filter((r) => isPresent(r, inRoom));
  return (
    <>
      {rows.length === 0 ? (
        <p>No one is booked on this session.</p>
      ) : (
        <>
          <p>
            Here now: <strong>{present.length}</strong> of {plural(rows.length, 'person', 'people')} booked.
            {loadedAt && <span class="muted"> Updated {formatTime(loadedAt, ENGLAND)}.</span>}
          </p>
          <TableScroll label="Attendance">
            <table class="table attendance-table">
              <caption class="visually-hidden">People booked on this session and whether they are here</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">School</th>
                  <th scope="col">Seat</th>
                  <th scope="col">Now</th>
                  <th scope="col">Minutes</th>
                  <th scope="col">Attended</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const here = isPresent(r, inRoom);
                  return (
                    <tr key={r.bookingId} class={here ? 'row-present' : undefined}>
                      <th scope="row">{r.name}</th>
                      <td>{r.org ?? '—'}</td>
                      <td>{seatLabel[r.seat]}</td>
                      <td>{here ? <span class="badge badge-confirmed">Here</span> : <span class="muted">Not here</span>}</td>
                      <td>{r.minutes ?? 'not recorded'}</td>
                      <td>{r.attended ? 'Yes' : 'Not yet'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          {/* Refused (403) once the session has been handed to other trainers. */}
          <DownloadLink href={`/api/sessions/${encodeURIComponent(sessionId)}/attendance.csv`} fallbackName="attendance.csv">
            Download attendance (CSV)
          </DownloadLink>
        </>
      )}
    </>
  );
}
