/**
 * The problems the service found in a timetable file, line by line (or event by event): the
 * first 30, then how many more there are, counted from all the service found (it lists the
 * first 200). The same list for a person's upload and an office's file for many people.
 */
import { plural } from '../format.js';
import { UploadError } from './send.js';

const SHOWN = 30;

/** No problems to list. */
export const NO_PROBLEMS: { items: string[]; total: number } = { items: [], total: 0 };

/** What an upload's failure has to list: nothing unless the service named problems. */
export function problemsOf(e: unknown): { items: string[]; total: number } {
  return e instanceof UploadError ? { items: e.problems, total: e.total } : NO_PROBLEMS;
}

export function UploadProblems({ problems }: { problems: { items: string[]; total: number } }) {
  if (problems.items.length === 0) return null;
  const more = problems.total - Math.min(problems.items.length, SHOWN);
  return (
    <div class="notice notice-error">
      <p>Nothing was changed. Fix these and upload the file again:</p>
      <ul class="problem-list">
        {problems.items.slice(0, SHOWN).map((p, i) => (
          <li key={`${i}:${p}`}>{p}</li>
        ))}
      </ul>
      {more > 0 && <p>and {plural(more, 'more problem')}.</p>}
    </div>
  );
}
