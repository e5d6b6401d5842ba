/**
 * The part of the message after a change to a person (turned off, given another role, moved,
 * no longer a lead) that names the sessions still to come it left with no one to run them.
 */
import { Fragment } from 'preact';
import { formatDateTime, plural } from '../format.js';
import { Link } from '../router.js';

/** How many such sessions the message names; the rest are counted (All sessions lists them all). */
const NAMED = 5;

/**
 * Which sessions (the first five, soonest first) and what to do. An administrator (`canEdit`)
 * gets each title as a link to its edit page and a link to All sessions' "Needing a
 * trainer" tab, which lists them until each has another trainer. Office staff get each title
 * as a link to the session's page, where the office of the organisation it is for gives it
 * to another in-house lead (GiveToLead); an administrator can give it a trainer. Nothing
 * when the change left none.
 */
export function LeftWithoutTrainer({ list, canEdit = true }: { list: readonly { id: string; title: string; startsAt: string }[]; canEdit?: boolean }) {
  if (list.length === 0) return null;
  const shown = list.slice(0, NAMED);
  const rest = list.length - shown.length;
  const one = list.length === 1;
  const named = shown.map((s, i) => (
    <Fragment key={s.id}>
      {i === 0 ? '' : i < shown.length - 1 || rest > 0 ? ', ' : ' and '}
      <Link href={canEdit ? `/trainer/sessions/${encodeURIComponent(s.id)}/edit` : `/sessions/${encodeURIComponent(s.id)}`}>“{s.title}”</Link> ({formatDateTime(s.startsAt)})
    </Fragment>
  ));
  const more = rest > 0 ? ` and ${plural(rest, 'more')}` : '';
  const listed = (
    <>
      <Link href="/trainer/sessions?when=unstaffed">All sessions</Link> lists {one ? 'it' : 'them'} under “Needing a trainer” until then.
    </>
  );
  const todo = canEdit ? (
    one ? (
      <>give it another on its edit page. {listed}</>
    ) : (
      <>Give each another trainer on its edit page. {listed}</>
    )
  ) : one ? (
    'the office of the organisation it is for can give it to another in-house lead on its page, or an administrator give it another trainer.'
  ) : (
    'The office of the organisation each is for can give it to another in-house lead on its page, or an administrator give it another trainer.'
  );
  return one ? (
    <>
      {' '}They were the only one running {named}, which now has no trainer: {todo}
    </>
  ) : (
    <>
      {' '}They were the only one running {list.length} sessions still to come, which now have no trainer: {named}
      {more}. {todo}
    </>
  );
}
