/**
 * Trainers as the web client lists them, in one place: every trainer (an administrator's
 * lists: a course's trainers, the session form's choice), trainers found by name (anyone who
 * runs sessions, adding co-trainers: ids and names only), and who runs a session.
 */
import { z } from 'zod';
import { PeoplePage } from '../../shared/accounts.js';
import { SessionRunnerList, TrainerPage } from '../../shared/sessions.js';
import { api } from './api.js';

export type Person = z.infer<typeof PeoplePage>['items'][number];
export type TrainerFound = z.infer<typeof TrainerPage>['items'][number];
export type SessionRunner = z.infer<typeof SessionRunnerList>['items'][number];

/** Every trainer, however many there are, a page at a time, accounts turned off included (administrators only: `GET /api/users?role=trainer`). */
export async function everyTrainer(): Promise<Person[]> {
  const all: Person[] = [];
  for (;;) {
    const page = await api(`/api/users?${new URLSearchParams({ role: 'trainer', limit: '100', offset: String(all.length) })}`, PeoplePage);
    all.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return all;
  }
}

/** Trainers whose name holds every word of `q` (`GET /api/trainers`), at most `limit`, and whether more match. */
export const findTrainers = (q: string, limit = 20) => api(`/api/trainers?${new URLSearchParams({ q, limit: String(limit) })}`, TrainerPage);

/** Who runs a session, by name (for those who run it, and administrators). */
export const runnersOf = async (sessionId: string): Promise<SessionRunner[]> => (await api(`/api/sessions/${encodeURIComponent(sessionId)}/trainers`, SessionRunnerList)).items;
