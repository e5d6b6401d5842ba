/**
 * On a person's card, for administrators and (`certificates` false) the office that manages
 * them: their training record (`GET /api/users/:id/completions`), opened on demand. The sessions
 * they attended (minutes present, a certificate of attendance each:
 * `GET /api/bookings/:id/certificate.pdf`) and a course certificate for each course they
 * attended a session of (`GET /api/courses/:id/certificate.pdf?userId=`; refused, and said
 * so beside the link, while the course is not complete): administrators only, as the service allows.
 * For administrators, beside it, their Account history: the audit log's entries by or about
 * them (`/admin/audit-log?person=`).
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import type { User } from '../../../shared/accounts.js';
import { CompletionList } from '../../../shared/attendance.js';
import { Course } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { DownloadAnchor, useApp } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { AttendedTable, attendedSummary } from './AttendedTable.js';

export function PersonRecord({ person, certificates = true }: { person: User; certificates?: boolean }) {
  const { me } = useApp();
  const [open, setOpen] = useState(false);
  const summaryId = `record-${person.id}-summary`;
  return (
    <>
      <details class="field" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary id={summaryId}>
          Training record<span class="visually-hidden">: {person.name}</span>
        </summary>
        {open && (
          <section aria-labelledby={summaryId}>
            <PersonRecordBody person={person} certificates={certificates} />
          </section>
        )}
      </details>
      {me.role === 'admin' && (
        <p class="field">
          <Link href={`/admin/audit-log?${new URLSearchParams({ person: person.id })}`}>
            Account history<span class="visually-hidden">: {person.name}</span>
          </Link>
        </p>
      )}
    </>
  );
}

function PersonRecordBody({ person, certificates }: { person: User; certificates: boolean }) {
  const record = useLoad(async () => {
    const [attended, courses] = await Promise.all([api(`/api/users/${encodeURIComponent(person.id)}/completions`, CompletionList), api('/api/courses', z.object({ items: z.array(Course) }))]);
    return { attended: attended.items, courseTitle: new Map(courses.items.map((c) => [c.id, c.title])) };
  }, [person.id]);
  const id = (k: string) => `record-${person.id}-${k}`;
  return (
    <Loaded state={record} what={`${person.name}’s training record`}>
      {({ attended, courseTitle }) => {
        if (attended.length === 0) return <p>No sessions attended yet. Sessions appear here after they end, once attendance is recorded.</p>;
        const courseIds = [...new Set(attended.flatMap((c) => (c.courseId ? [c.courseId] : [])))];
        const titleOf = (courseId: string) => courseTitle.get(courseId) ?? 'a course no longer listed';
        return (
          <>
            <p>
              {attendedSummary(attended)}
            </p>
            {certificates && courseIds.length > 0 && (
              <>
                <h3 id={id('courses')}>Courses</h3>
                <p class="hint">A course certificate is given once a session of each required part of the course is attended; until then its link says the course is not complete.</p>
                <ul class="link-list" aria-labelledby={id('courses')}>
                  {courseIds.map((courseId) => (
                    <li key={courseId}>
                      {titleOf(courseId)}:{' '}
                      <DownloadAnchor href={`/api/courses/${encodeURIComponent(courseId)}/certificate.pdf?${new URLSearchParams({ userId: person.id })}`} fallbackName="course-certificate.pdf" what="certificate">
                        Course certificate (PDF)<span class="visually-hidden"> for {titleOf(courseId)}</span>
                      </DownloadAnchor>
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h3 id={id('sessions')}>Sessions attended</h3>
            <AttendedTable items={attended} labelledBy={id('sessions')} certificates={certificates} />
          </>
        );
      }}
    </Loaded>
  );
}
