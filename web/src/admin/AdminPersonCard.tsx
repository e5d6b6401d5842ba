/**
 * A person's card as an administrator manages them, the same on People and on the person's own
 * page (`/admin/people/:id`): every change an administrator may make (not turning themselves
 * off), their job role when it counts in training coverage, their timetable and record.
 */
import type { ComponentChildren } from 'preact';
import type { User } from '../../../shared/accounts.js';
import { PersonCard } from '../accounts/PersonCard.js';
import { useApp } from '../components.js';
import { personTimetableHref } from '../timetable/PersonTimetablePage.js';

export function AdminPersonCard({ person, onChanged }: { person: User; onChanged: (next: User, message: ComponentChildren) => void }) {
  const { me } = useApp();
  return (
    <PersonCard
      person={person}
      canDisable={person.id !== me.id}
      canSetCaptioner
      canSetDetails
      // Counted in training coverage by job role: shown on the card (changed under "Change role, job role or organisation").
      showJobRole={person.role === 'staff' || person.role === 'office'}
      timetableHref={personTimetableHref(me, person)}
      showRecord
      onChanged={onChanged}
    />
  );
}
