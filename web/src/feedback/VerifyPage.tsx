/**
 * The public check of a certificate's code, shown whether or not anyone is signed in (so it
 * comes with the app, while the feedback pages of those who run sessions are a chunk of their
 * own: web/src/lazy.tsx).
 */
import { useState } from 'preact/hooks';
import { certificateTime, formatCertCode, Verification, type CertificateFacts } from '../../../shared/feedback.js';
import { api } from '../api.js';
import { ErrorSummary, errorFor, PageHeading, TextField, type FieldError } from '../components.js';
import { formatLongDay, plural } from '../format.js';
import { Loaded, useLoad } from '../load.js';
import { navigate } from '../router.js';

const kindWords = (c: CertificateFacts) => (c.kind === 'attendance' ? 'certificate of attendance' : 'certificate of course completion');

/** What changed, in words that hold whether a title was corrected or the session moved to another course. */
const CHANGED_WORDS = { name: 'the person’s name', sessionTitle: 'the session’s title', courseTitle: 'the course it names' } as const;

/**
 * Why a certificate whose attendance or completion stands is out of date: the names it prints
 * that changed since, if any. Its holder may not have downloaded the newer one yet (it is
 * issued when next downloaded), so the words say one is there to download, not that it was.
 */
function replacedWhy(changed: (keyof typeof CHANGED_WORDS)[]) {
  if (!changed.length) return 'A newer certificate has replaced it.';
  const words = changed.map((c) => CHANGED_WORDS[c]);
  const list = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  return `Since it was issued ${list} ${words.length === 1 ? 'has' : 'have'} changed, so its holder can download a newer certificate printing the current details.`;
}

/** What a certificate prints, as a list of terms. */
function Facts({ certificate: c }: { certificate: CertificateFacts }) {
  // Its session's times, as the certificate prints them (none on one issued before they were printed).
  const time = certificateTime(c);
  return (
    <dl class="facts">
      <div>
        <dt>Name</dt>
        <dd>{c.name}</dd>
      </div>
      {c.sessionTitle && (
        <div>
          <dt>Session</dt>
          <dd>{c.sessionTitle}</dd>
        </div>
      )}
      {c.courseTitle && (
        <div>
          <dt>Course</dt>
          <dd>{c.courseTitle}</dd>
        </div>
      )}
      <div>
        <dt>{c.kind === 'attendance' ? 'Date' : 'Completed on'}</dt>
        <dd>{formatLongDay(c.date)}</dd>
      </div>
      {time && (
        <>
          <div>
            <dt>Time</dt>
            <dd>{time.range}</dd>
          </div>
          <div>
            <dt>Length of session</dt>
            <dd>{plural(time.lengthMinutes, 'minute')}</dd>
          </div>
        </>
      )}
      {c.minutes !== null && (
        <div>
          <dt>Minutes attended</dt>
          <dd>{c.minutes}</dd>
        </div>
      )}
      <div>
        <dt>Verification code</dt>
        <dd class="code">{formatCertCode(c.code)}</dd>
      </div>
    </dl>
  );
}

/** The public check of a certificate's code (no sign-in): genuine with what it says, out of date (a newer one replaces it), withdrawn (issued, then no longer confirmed: not called forged), or no certificate with the code. */
export function VerifyPage({ code, navigated }: { code: string | null; navigated: boolean }) {
  const [typed, setTyped] = useState(code ? formatCertCode(code.toUpperCase().replace(/[\s-]/g, '').slice(0, 32)) : '');
  const result = useLoad(async () => (code ? api(`/api/certificates/${encodeURIComponent(code)}`, Verification) : null), [code]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  function submit(e: Event) {
    e.preventDefault();
    const c = typed.trim();
    // Hyphens and spaces alone are no code (they are dropped when a code is read).
    if (!c.replace(/[\s-]/g, '')) {
      // Said beside the field and in a summary that takes focus, never silently ignored.
      setErrors([{ field: 'verify-code', message: 'Enter the verification code printed on the certificate' }]);
      return;
    }
    setErrors([]);
    navigate(`/verify/${encodeURIComponent(c)}`);
  }
  const r = result.data;
  const title = !code ? 'Check a certificate' : r?.status === 'genuine' ? 'Certificate is genuine' : r?.status === 'replaced' ? 'Certificate out of date' : r?.status === 'withdrawn' ? 'Certificate withdrawn' : r ? 'No certificate has this code' : 'Checking a certificate';
  return (
    <>
      <PageHeading title={title} navigated={navigated} error={errors.length > 0}>
        {title}
      </PageHeading>
      {/* The answer arrives after the page (and its heading, focused) is shown: said here, in a
          region in the page from the start, so a screen reader hears it. */}
      <div role="status" aria-live="polite" class="visually-hidden" id="verify-said">
        {r ? (r.status === 'genuine' ? 'Checked: the certificate is genuine. What it says follows.' : r.status === 'replaced' ? 'Checked: the certificate was genuine and what it certifies still stands, but it is out of date. What it says follows.' : r.status === 'withdrawn' ? 'Checked: the certificate has been withdrawn: what it certifies can no longer be confirmed.' : 'Checked: no certificate has this code. Check it was typed correctly; if it was, the certificate is not genuine.') : ''}
      </div>
      {code && (
        <Loaded state={result} what="the check">
          {(r) =>
            r === null ? null : r.status === 'genuine' ? (
              <div class="verify-result verify-genuine">
                <p>
                  This {kindWords(r.certificate)} was issued by SEND Live Training. It says:
                </p>
                <Facts certificate={r.certificate} />
              </div>
            ) : r.status === 'replaced' ? (
              <div class="verify-result verify-replaced">
                <p>
                  This {kindWords(r.certificate)} was issued by SEND Live Training, and what it certifies still stands. {replacedWhy(r.changed)} It says:
                </p>
                <Facts certificate={r.certificate} />
                <p>Ask its holder for the newer certificate to see the details as they are now.</p>
              </div>
            ) : (
              <div class="verify-result verify-not">
                <p>
                  <strong>{r.status === 'withdrawn' ? 'This certificate has been withdrawn: what it certifies can no longer be confirmed (for example, the attendance or minutes it records, or the session’s times, were corrected).' : 'No certificate has this code.'}</strong>
                </p>
                {r.status !== 'withdrawn' && (
                  <p>
                    Check the code was typed exactly as printed on the certificate: 16 letters and digits (hyphens and spaces do not matter). One wrong character is enough for no certificate to be found. If it was typed correctly, the certificate is not genuine.
                  </p>
                )}
              </div>
            )
          }
        </Loaded>
      )}
      <form onSubmit={submit} class="panel narrow" aria-labelledby="verify-form-title">
        <h2 id="verify-form-title">{code ? 'Check another code' : 'Enter the code printed on the certificate'}</h2>
        <ErrorSummary errors={errors} />
        <TextField id="verify-code" label="Verification code" error={errorFor(errors, 'verify-code')} hint="16 letters and digits, for example ABCD-2345-EFGH-6789." autocomplete="off" spellcheck={false} maxLength={40} value={typed} onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="button">
          Check
        </button>
      </form>
    </>
  );
}

