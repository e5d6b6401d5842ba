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
import { Alert, LoadError, messageOf, PageHeading, Status, useApp } from '../components.js';
import { formatDate, formatDateTime, formatTimeRange, seatLabel } from '../format.js';
import { Link } from '../router.js';

export const CODE_REFRESH_MS = 60_000;
const REGISTER_REFRESH_MS = 30_000;

type Code = z.infer<typeof CheckinCode>;
type Report = z.infer<typeof AttendanceReport>;

/** The QR code as an image: the SVG text becomes a data: URL, never markup in the page. */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function CheckinCodePanel({ sessionId }: { sessionId: string }) {
  const [code, setCode] = useState<Code | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unsupported, setUnsupported] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const c = await api(`/api/sessions/${encodeURIComponent(sessionId)}/checkin-code`, CheckinCode);
        if (stopped) return;
        setCode(c);
        setError(null);
        // Fetch the next code just after this one expires (and at least once a minute).
        const wait = Math.min(CODE_REFRESH_MS, Math.max(1000, Date.parse(c.expiresAt) - Date.now() + 500));
        timer = setTimeout(load, wait);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') {
          setUnsupported(true);
          return;
        }
        setError(e);
        timer = setTimeout(load, 10_000);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [sessionId]);

  return (
    <section aria-labelledby="code-title" class="panel checkin-code-panel">
      <h2 id="code-title">Check-in code</h2>
      {unsupported ? (
        <p>This server does not show check-in codes. Use the register below.</p>
      ) : error ? (
        <LoadError error={error} />
      ) : !code ? (
        <p>Loading the code…</p>
      ) : (
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
      )}
    </section>
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
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState('');
  const [status, setStatus] = useState('');
  /** Ticks the trainer just gave, shown at once while they are saved (booking id -> attended). */
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());

  const load = () =>
    api(`/api/sessions/${encodeURIComponent(sessionId)}/attendance`, AttendanceReport)
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch(setError);

  useEffect(() => {
    void load();
    const t = setInterval(load, REGISTER_REFRESH_MS);
    return () => clearInterval(t);
  }, [sessionId]);

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
      await load();
      setStatus(`${row.name} marked as ${attended ? 'attended' : 'not attended'}.`);
    } catch (e) {
      setSaveError(`Could not change ${row.name}: ${messageOf(e)}`);
      await load();
    } finally {
      setPendingFor(row.bookingId, null);
    }
  }

  const rows = report?.items ?? [];
  const attendedCount = rows.filter((r) => r.attended).length;
  return (
    <section aria-labelledby="register-title" class="panel">
      <h2 id="register-title">Register</h2>
      <Alert message={saveError} />
      <Status message={status} />
      {error ? (
        <LoadError error={error} />
      ) : !report ? (
        <p>Loading the register…</p>
      ) : rows.length === 0 ? (
        <p>No one is booked on this session yet.</p>
      ) : (
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
                        <input type="checkbox" id={boxId} class="register-tick" checked={pending.get(r.bookingId) ?? r.attended} onChange={(e) => void mark(r, e.currentTarget.checked)} />
                        <label for={boxId} class="visually-hidden">
                          {r.name} attended
                        </label>
                      </td>
                      <th scope="row">{r.name}</th>
                      <td>{r.org ?? '—'}</td>
                      <td>{seatLabel[r.seat]}</td>
                      <td>{r.minutes}</td>
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
      )}
      <p>
        <a href={`/api/sessions/${encodeURIComponent(sessionId)}/attendance.csv`} download>
          Download attendance (CSV)
        </a>
      </p>
    </section>
  );
}

export function AttendanceRegisterPage({ id }: { id: string }) {
  const { loc } = useApp();
  const [title, setTitle] = useState('Register');
  const [when, setWhen] = useState('');
  useEffect(() => {
    api(`/api/sessions/${encodeURIComponent(id)}`, z.object({ title: z.string(), startsAt: z.string(), endsAt: z.string() }))
      .then((s) => {
        setTitle(`Register: ${s.title}`);
        setWhen(`${formatDate(s.startsAt)}, ${formatTimeRange(s.startsAt, s.endsAt)}`);
      })
      .catch(() => undefined);
  }, [id]);
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
