/**
 * What the domains built on accounts hear about a person once a change to them has
 * committed. Accounts imports nothing from them (the live room imports accounts); they
 * register here instead, from the app factory (server/app.ts), as with bookings/events.ts.
 */
import { followUps } from '../platform/follow-ups.js';

/** An administrator removed a person's captioner flag, ending their assignments to caption these sessions, committed. */
export interface CaptionerFlagRemoved {
  userId: string;
  /** The sessions they were assigned to caption until now. */
  sessionIds: readonly string[];
}

const captionerFollowUps = followUps<CaptionerFlagRemoved>('a removed captioner flag', (c) => ({ userId: c.userId }));

/** Registers what to do after a captioner flag was removed (the live room shows them as they now are). */
export const onCaptionerFlagRemoved = captionerFollowUps.on;

/** Tells every listener of a committed removal; one that fails is logged and never fails the change, which stands. */
export const captionerFlagRemoved = captionerFollowUps.tell;
