/**
 * `/sessions/:id/register`: the trainer's in-person page. The check-in code and its QR code
 * (changing every minute) for attendees to scan, and a register with a tick box per person
 * to correct attendance; every correction is kept with who made it.
 */
import '../room.css';
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { AttendanceReport, CheckinCode, type AttendanceRow } from '../../../shared/attendance.js';
import { api, ApiError } from '../api.js';
import { Alert, DownloadLink, messageOf, PageHeading, Status, useApp } from '../components.js';
import { formatDate, formatDateTime, formatTimeRange, seatLabel } from '../format.js';
import { Loaded, Retry, useLoad } from '../load.js';
import { Link } from '../router.js';

export const CODE_REFRESH_MS = 60_000;
const REGISTER_REFRESH_MS = 30_000;

type Code = z.infer<typeof CheckinCode>;
type Report = z.infer<typeof AttendanceReport>;

/** The QR code as an image: the SVG text becomes a data: URL, never markup in the page. */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function CheckinCodePanel({ sessionId }: { sessionId: string }) {
  const code = useLoad(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/checkin-code`, CheckinCode), [sessionId]);
  // A server without check-in codes says so; there is nothing to try again.
  const unsupported = code.error instanceof ApiError && code.error.status === 404 && code.error.code === 'not_found';
  const expiresAt = code.data ? Date.parse(code.data.expiresAt) : 0;
  // The next code just after this one expires (and at least once a minute); after a failure, again in ten seconds.
  useEffect(() => {
    if (code.loading || unsupported) return;
    const wait = code.error ? 10_000 : Math.min(CODE_REFRESH_MS, Math.max(1000, expiresAt - Date.now() + 500));
    const timer = setTimeout(() => void code.reload(), wait);
    return () => clearTimeout(timer);
  }, [code.loading, code.error, expiresAt, unsupported]);
  // The code shown stays up while the next one loads. Once it has expired and the next could
  // not be had, the failure is shown instead (with a way to try again), never a stale code.
  // Without a failure the server's code is shown whatever this computer's clock says.
  const stale = !!code.error && expiresAt <= Date.now();
  const current = code.data && !stale ? code.data : undefined;

  return (
    <section aria-labelledby="code-title" class="panel checkin-code-panel">
      <h2 id="code-title">Check-in code</h2>
      {unsupported ? (
        <p>This server does not show check-in codes. Use the register below.</p>
      ) : (
        <>
          {code.error ? <Retry error={code.error} onRetry={() => void code.reload()} busy={code.loading} /> : null}
          {current ? <CodeView code={current} /> : !code.error && <p>Loading the code…</p>}
        </>
      )}
    </section>
  );
}

/** The code in large digits and as a QR code that opens the check-in page with it. */
function CodeView({ code }: { code: Code }) {
  return (
    <div class="checkin-code-body">
      <img class="checkin-qr" src={svgDataUrl(code.qrSvg)} alt={`QR code that opens the check-in page with code ${code.code.split('').join(' ')}`} />
      <div>
        <p class="checkin-code" aria-describedby="code-help">
          <span class="visually-hidden">Code: </span>
          {code.code}
        </p>
        <p id="code-help">
          Attendees scan the QR code with their phone, or go to <strong>{code.url.replace(/\?.*$/, '')}</strong> and type the code. It changes every minute; the page updates by itself.
        </p>
        <p class="muted">Changes at {new Date(code.expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.</p>
      </div>
    </div>
  );
}

const sourceLabel: Record<AttendanceRow['source'], string> = {
  register: 'Register',
  livekit: 'Online room',
  checkin: 'Checked in',
  'livekit+checkin': 'Online room and check-in',
  client: 'Browser reports',
  none: '—',
};

function Register({ sessionId }: { sessionId: string }) {
  // Loaded now and every half minute; a refresh that fails keeps the register on screen.
  const report = useLoad(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance`, AttendanceReport), [sessionId], { everyMs: REGISTER_REFRESH_MS });
  const [saveError, setSaveError] = useState('');
  const [status, setStatus] = useState('');
  /** Ticks the trainer just gave, shown at once while they are saved (booking id -> attended). */
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());

  const setPendingFor = (id: string, v: boolean | null) =>
    setPending((cur) => {
      const next = new Map(cur);
      if (v === null) next.delete(id);
      else next.set(id, v);
      return next;
    });

  async function mark(row: AttendanceRow, attended: boolean) {
    setPendingFor(row.bookingId, attended);
    setSaveError('');
    try {
      await api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance/${encodeURIComponent(row.bookingId)}`, z.unknown(), { method: 'PUT', body: { attended } });
      await report.reload();
      setStatus(`${row.name} marked as ${attended ? 'attended' : 'not attended'}.`);
    } catch (e) {
      setSaveError(`Could not change ${row.name}: ${messageOf(e)}`);
      await report.reload();
    } finally {
      setPendingFor(row.bookingId, null);
    }
  }

  return (
    <section aria-labelledby="register-title" class="panel">
      <h2 id="register-title">Register</h2>
      <Alert message={saveError} />
      <Status message={status} />
      <Loaded state={report} what="the register">
        {(r) => <RegisterTable report={r} pending={pending} onMark={(row, attended) => void mark(row, attended)} />}
      </Loaded>
      {/* Refused (403) once the session has been handed to other trainers. */}
      <DownloadLink href={`/api/sessions/${encodeURIComponent(sessionId)}/attendance.csv`} fallbackName="attendance.csv">
        Download attendance (CSV)
      </DownloadLink>
    </section>
  );
}

/** One row per booked person, each with a tick box for whether they attended. */
function RegisterTable({ report, pending, onMark }: { report: Report; pending: ReadonlyMap<string, boolean>; onMark: (row: AttendanceRow, attended: boolean) => void }) {
  const rows = report.items;
  const attendedCount = rows.filter((r) => r.attended).length;
  if (rows.length === 0) return <p>No one is booked on this session yet.</p>;
  return (
    <>
      <p>
        {attendedCount} of {rows.length} marked as attended. Tick a box to mark someone as attended, untick it to mark them as not attended. Attendance at least {Math.round(report.session.threshold * 100)}% of the session counts as attended.
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Register table">
        <table class="table register-table">
          <caption class="visually-hidden">Register: one row per booked person</caption>
          <thead>
            <tr>
              <th scope="col">Attended</th>
              <th scope="col">Name</th>
              <th scope="col">School</th>
              <th scope="col">Seat</th>
              <th scope="col">Minutes</th>
              <th scope="col">Recorded by</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const boxId = `attended-${r.bookingId}`;
              return (
                <tr key={r.bookingId}>
                  <td>
                    <input type="checkbox" id={boxId} class="register-tick" checked={pending.get(r.bookingId) ?? r.attended} onChange={(e) => onMark(r, e.currentTarget.checked)} />
                    <label for={boxId} class="visually-hidden">
                      {r.name} attended
                    </label>
                  </td>
                  <th scope="row">{r.name}</th>
                  <td>{r.org ?? '—'}</td>
                  <td>{seatLabel[r.seat]}</td>
                  <td>{r.minutes ?? 'not recorded'}</td>
                  <td>
                    {r.override ? (
                      <>
                        Corrected by {r.override.changedByName ?? 'a trainer'}, {formatDateTime(r.override.changedAt)}
                      </>
                    ) : (
                      sourceLabel[r.source]
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function AttendanceRegisterPage({ id }: { id: string }) {
  const { loc } = useApp();
  const head = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, z.object({ title: z.string(), startsAt: z.string(), endsAt: z.string() })), [id]);
  // The heading names the session once it is known; the panels below load on their own.
  const title = head.data ? `Register: ${head.data.title}` : 'Register';
  const when = head.data ? `${formatDate(head.data.startsAt)}, ${formatTimeRange(head.data.startsAt, head.data.endsAt)}` : '';
  return (
    <div class="register-page">
      <p class="back">
        <Link href={`/sessions/${encodeURIComponent(id)}`}>Back to the session</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      {when && <p class="lede">{when}</p>}
      <CheckinCodePanel sessionId={id} />
      <Register sessionId={id} />
    </div>
  );
}
