/**
 * Importing staff from a spreadsheet (CSV: name,email,role) into one organisation, for
 * administrators (any organisation) and office staff (the organisations they book for;
 * staff only). A file is chosen or its lines pasted, checked (nothing changes), then
 * imported; either way every line's outcome is shown in a table. A file with any refused
 * line imports nobody, so the page says which lines to fix.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { ImportRefusal, ImportUsersResult, MAX_IMPORT_BYTES, MAX_IMPORT_WORDS } from '../../../shared/accounts.js';
import { decodeSpreadsheet } from '../../../shared/spreadsheet-text.js';
import { described, ErrorSummary, Field, errorFor, messageOf, PageHeading, Status, useApp, useFocusLater, type FieldError } from '../components.js';
import { Loaded, useLoad, useSubmissionKey } from '../load.js';
import { Link } from '../router.js';
import { OrgSearchPicker, orgsForPage, SchoolSelect, type Org } from '../orgs.js';
import { sendText, UploadError } from '../timetable/send.js';

type Result = z.infer<typeof ImportUsersResult>;
interface ReportLine {
  line: number;
  name: string;
  email: string;
  role: string;
  outcome: string;
  ok: boolean;
}
interface Report {
  title: string;
  summary: string;
  lines: ReportLine[];
  done: boolean;
  /** Some lines were refused: the page has errors to fix. */
  refused: boolean;
}

const ROLE_WORD: Record<string, string> = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' };

function reportOf(r: Result, orgName: string): Report {
  const n = r.lines.length;
  return {
    title: r.dryRun ? 'Check: every line can be imported' : 'Imported',
    summary: r.dryRun ? `All ${n === 1 ? '1 line is' : `${n} lines are`} ready. Nothing has been changed yet: press “Import” to create ${n === 1 ? 'this account' : 'these accounts'} in ${orgName}.` : `${r.imported === 1 ? '1 person was' : `${r.imported} people were`} added to ${orgName}.`,
    lines: r.lines.map((l) => ({ ...l, role: ROLE_WORD[l.role] ?? l.role, outcome: l.outcome === 'created' ? 'Created' : 'Ready to create', ok: true })),
    done: !r.dryRun,
    refused: false,
  };
}

function refusalReport(e: UploadError, dryRun: boolean): Report | null {
  const d = ImportRefusal.safeParse(e.details);
  if (!d.success) return null;
  const why = new Map<number, string[]>();
  for (const p of d.data.rows) why.set(p.line, [...(why.get(p.line) ?? []), p.message]);
  return {
    title: dryRun ? 'Check: some lines cannot be imported' : 'Nobody was imported',
    summary: `${e.message} Fix the lines marked “Refused” and check again; the other lines are fine.`,
    lines: d.data.lines.map((l) => ({ ...l, role: ROLE_WORD[l.role] ?? l.role, outcome: why.has(l.line) ? `Refused: ${why.get(l.line)!.join(' ')}` : 'Not imported: this line is fine, but other lines have problems', ok: !why.has(l.line) })),
    done: false,
    refused: true,
  };
}

export function ImportPage() {
  const { me, loc } = useApp();
  const admin = me.role === 'admin';
  const wanted = loc.query.get('org');
  // Office staff choose among the organisations they book for; an administrator finds any
  // (the one in the address, `?org=`, is read by itself for its name).
  const orgs = useLoad(() => orgsForPage(me, wanted), [admin, wanted]);
  // The form's errors (fields, a failure, refused lines) start the title with "Error: ", as every form's do;
  // so does a failure to load the organisations (said with "Try again"), as on every page whose load failed.
  const [hasErrors, setHasErrors] = useState(false);
  return (
    <>
      <PageHeading title="Import staff" navigated={loc.navigated} error={hasErrors || !!orgs.error}>
        Import staff from a spreadsheet
      </PageHeading>
      <p class="back">
        <Link href={me.role === 'admin' ? '/admin/people' : '/office/people'}>{me.role === 'admin' ? 'People' : 'Staff accounts'}</Link>
      </p>
      <Loaded state={orgs} what="organisations">
        {(list) => <ImportForm orgs={list} admin={admin} initialOrg={wanted ?? (admin ? '' : (me.orgId ?? list[0]?.id ?? ''))} onErrors={setHasErrors} />}
      </Loaded>
    </>
  );
}

function ImportForm({ orgs, admin, initialOrg, onErrors }: { orgs: Org[]; admin: boolean; initialOrg: string; onErrors: (any: boolean) => void }) {
  const [orgId, setOrgId] = useState(admin || orgs.some((o) => o.id === initialOrg) ? initialOrg : (orgs[0]?.id ?? ''));
  // The name of the organisation an administrator found (office staff's are listed).
  const [foundName, setFoundName] = useState(admin ? (orgs.find((o) => o.id === initialOrg)?.name ?? '') : '');
  const [text, setText] = useState('');
  const [fileNote, setFileNote] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [failure, setFailure] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const reportRef = useRef<HTMLHeadingElement>(null);
  const focusLater = useFocusLater();
  /**
   * Import pressed again after an answer that never came (with the same lines) is the same
   * request, with the same Idempotency-Key: the service answers what the first did, rather
   * than refusing every line as an address that already has an account.
   */
  const submission = useSubmissionKey();
  const org = admin ? (orgId ? { id: orgId, name: foundName || 'the organisation chosen' } : undefined) : orgs.find((o) => o.id === orgId);
  const hasErrors = errors.length > 0 || failure !== '' || !!report?.refused;
  const fileError = errorFor(errors, 'import-file');
  const fileDescribed = described('import-file', undefined, fileError);
  useLayoutEffect(() => onErrors(hasErrors), [hasErrors]);

  async function readFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    setReport(null);
    // Said here in plain words, before the file is read: sent, the service would refuse it.
    if (file.size > MAX_IMPORT_BYTES) {
      setText('');
      setFileNote('');
      setErrors([{ field: 'import-file', message: `CSV file: ${file.name} is larger than ${MAX_IMPORT_WORDS.size}, the most one import may be. Split the staff into several files and import each.` }]);
      return;
    }
    // Read as the service reads an upload: UTF-8, or UTF-16 (Excel's "Unicode Text"); a file
    // saved otherwise (Excel's "ANSI"), or a workbook renamed .csv, is refused here, naming the
    // line and what to do, rather than shown with its letters garbled. The error summary says
    // so and takes focus, as after pressing a button.
    const read = decodeSpreadsheet(new Uint8Array(await file.arrayBuffer()), file.type);
    if (!read.ok) {
      setText('');
      setFileNote('');
      setErrors([{ field: 'import-file', message: `CSV file: ${read.message}` }]);
      return;
    }
    // The file's problem, and "choose a file", are over (the summary keeps any other).
    setErrors((now) => (now.some((e) => e.field === 'import-file' || e.field === 'import-text') ? now.filter((e) => e.field !== 'import-file' && e.field !== 'import-text') : now));
    setText(read.text);
    setFileNote(`The lines of ${file.name} are below: check them, or change them before importing.`);
  }

  async function run(dryRun: boolean) {
    if (busy) return;
    const found: FieldError[] = [];
    if (!org) found.push({ field: 'import-org', message: 'Organisation: choose where these people work' });
    if (!text.trim()) found.push({ field: 'import-text', message: 'Lines: choose a CSV file or paste its lines' });
    else if (new Blob([text]).size > MAX_IMPORT_BYTES) found.push({ field: 'import-text', message: `Lines: these lines come to more than ${MAX_IMPORT_WORDS.size}, the most one import may be. Import them in several parts.` });
    setErrors(found);
    setFailure('');
    if (found.length || !org) return;
    setBusy(dryRun ? 'check' : 'import');
    let reported = false;
    try {
      const path = `/api/orgs/${encodeURIComponent(org.id)}/users/import${dryRun ? '?dryRun=true' : ''}`;
      const r = await submission.keyed({ path, text }, (idempotencyKey) => sendText(path, 'text/csv', text, ImportUsersResult, 'POST', { idempotencyKey }));
      setReport(reportOf(r, org.name));
      reported = true;
      if (!dryRun) setText('');
    } catch (e) {
      const refused = e instanceof UploadError ? refusalReport(e, dryRun) : null;
      if (refused) {
        setReport(refused);
        reported = true;
      } else {
        setReport(null);
        setFailure(messageOf(e));
      }
    } finally {
      setBusy(null);
      // The report's heading takes focus once drawn (from the button pressed, which stays: so forced).
      if (reported) focusLater(reportRef, { force: true });
    }
  }

  return (
    <>
      <p>
        Use a CSV file (Excel: “Save as CSV UTF-8”) with a header line <code>name,email,role</code>. The role may be left empty for staff{admin ? '' : '; office staff can import staff only'}. One import may add up to {MAX_IMPORT_WORDS.rows} people, in a file of up to {MAX_IMPORT_WORDS.size}. An address that already has an account is refused: an import adds people, it does not change anyone. If any line is refused, nobody is imported, so check first.
      </p>
      <form
        noValidate
        aria-label="Import staff"
        onSubmit={(e) => {
          e.preventDefault();
          const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
          void run(submitter?.value !== 'import');
        }}
      >
        <ErrorSummary errors={errors} />
        {admin ? (
          <OrgSearchPicker id="import-org" label="Organisation" value={orgId} chosenName={foundName || undefined} onChange={(id, name) => { setOrgId(id); setFoundName(name); setReport(null); }} error={errorFor(errors, 'import-org')} />
        ) : orgs.length > 1 ? (
          <SchoolSelect id="import-org" label="Organisation" orgs={orgs} value={orgId} onChange={(id) => { setOrgId(id); setReport(null); }} />
        ) : (
          <p>
            Into: <strong>{org?.name ?? 'your organisation'}</strong>
          </p>
        )}
        <Field id="import-file" label="CSV file" error={fileError}>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv,.txt,text/plain"
            aria-invalid={fileDescribed['aria-invalid']}
            aria-describedby={[fileDescribed['aria-describedby'], 'import-file-note'].filter(Boolean).join(' ')}
            onChange={(e) => void readFile(e.currentTarget as HTMLInputElement)}
          />
          <p class="hint" id="import-file-note" aria-live="polite">
            {fileNote || 'Its lines appear below, where you can check them before importing.'}
          </p>
        </Field>
        <Field id="import-text" label="Lines (paste from a spreadsheet, or choose a file above)" error={errorFor(errors, 'import-text')}>
          <textarea id="import-text" rows={8} spellcheck={false} class="import-lines" placeholder={'name,email,role\nAmira Khan,amira.khan@school.example,staff'} {...described('import-text', undefined, errorFor(errors, 'import-text'))} value={text} onInput={(e) => { setText((e.currentTarget as HTMLTextAreaElement).value); setReport(null); }} />
        </Field>
        <div class="actions">
          <button type="submit" class="button button-secondary" name="action" value="check" aria-disabled={busy ? 'true' : undefined}>
            {busy === 'check' ? 'Checking…' : 'Check the lines'}
          </button>
          <button type="submit" class="button" name="action" value="import" aria-disabled={busy ? 'true' : undefined}>
            {busy === 'import' ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      <div role="alert" class={failure ? 'notice notice-error' : 'status-empty'}>
        {failure && <p>{failure}</p>}
      </div>
      <Status message={report ? `${report.title}. ${report.summary}` : ''} />
      {report && (
        <section aria-labelledby="import-report" class="import-report">
          <h2 id="import-report" ref={reportRef} tabIndex={-1}>
            {report.title}
          </h2>
          <p>{report.summary}</p>
          <table class="stack">
            <caption class="visually-hidden">Each line of the file and what happened to it</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {report.lines.map((l) => (
                <tr key={l.line} class={l.ok ? undefined : 'line-refused'}>
                  <th scope="row" data-label="Line">
                    {l.line}
                  </th>
                  <td data-label="Name">{l.name || '(none)'}</td>
                  <td data-label="Email" class="break">
                    {l.email || '(none)'}
                  </td>
                  <td data-label="Role">{l.role}</td>
                  <td data-label="Outcome">{l.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
