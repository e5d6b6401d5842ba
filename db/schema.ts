/**
 * The one typed view of the database. Instants are ISO 8601 UTC strings
 * (`2026-03-29T00:30:00.000Z`), which sort correctly as text on SQLite and PostgreSQL alike;
 * booleans are 0/1 integers for the same reason. Ids are random UUIDs made by the app.
 */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'staff' | 'office' | 'trainer' | 'admin';
export type SessionMode = 'online' | 'in_person' | 'hybrid';
export type SeatKind = 'in_person' | 'online';
export type BookingStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'attended' | 'absent';

/** A school, college, nursery or trust. Trusts are parents of their schools. */
export interface OrganisationsTable {
  id: string;
  name: string;
  urn: string | null;
  parent_id: string | null;
  time_zone: string;
  /** JSON text: { weekAStart?: 'YYYY-MM-DD', travelBufferMinutes?: number } */
  settings: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: Role;
  org_id: string | null;
  password_hash: string | null;
  /** 1 when this person may publish live captions as a human captioner. */
  captioner: ColumnType<number, number | undefined, number>;
  time_zone: string | null;
  created_at: string;
  disabled_at: string | null;
}

/** A signed-in browser or API client. The token itself is never stored, only its hash. */
export interface AuthSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface LoginAttemptsTable {
  id: string;
  email: string;
  at: string;
  succeeded: number;
}

export interface CoursesTable {
  id: string;
  title: string;
  description: string;
  created_at: string;
}

/** One live occurrence of training: a time, a mode, and seats of one or two kinds. */
export interface SessionsTable {
  id: string;
  course_id: string | null;
  title: string;
  description: string;
  mode: SessionMode;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  venue: string | null;
  capacity_in_person: number;
  capacity_online: number;
  status: 'scheduled' | 'cancelled';
  /** Booking closes here if set, else at the session's end. */
  booking_closes_at: string | null;
  waitlist_policy: 'auto' | 'offer';
  offer_hold_minutes: number;
  /** Unclaimed seat holds are released to everyone at this instant (null: at booking close). */
  holds_release_at: string | null;
  room_kind: 'webinar' | 'workshop';
  attendance_threshold: number;
  join_opens_minutes: number;
  /** Raised on every change of time, place or status: the calendar SEQUENCE base. */
  revision: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionTrainersTable {
  session_id: string;
  user_id: string;
}

/** A person's place on a session: a seat, a queue place, or an offered seat. */
export interface BookingsTable {
  id: string;
  session_id: string;
  user_id: string;
  seat: SeatKind;
  status: BookingStatus;
  /** Monotonic per session, assigned under the session lock: the queue order. */
  queue_seq: number;
  /** The organisation whose held seat this booking took, if any. */
  hold_org_id: string | null;
  offer_expires_at: string | null;
  booked_by: string | null;
  /** Raised on every change that a calendar must see. */
  revision: number;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
}

/** Seats a session keeps for one organisation's staff until its release time. */
export interface SeatHoldsTable {
  id: string;
  session_id: string;
  org_id: string;
  seat: SeatKind;
  seats: number;
  created_at: string;
}

/** Every message someone must receive, written in the same transaction as its cause. */
export interface OutboxTable {
  id: string;
  kind: string;
  to_email: string;
  user_id: string | null;
  booking_id: string | null;
  session_id: string | null;
  subject: string;
  text_body: string;
  html_body: string;
  /** JSON text of extra parts, e.g. { ics, method } for calendar invites. */
  attachments: string;
  /** An idempotency key: a reminder or notice is enqueued at most once per key. */
  dedupe_key: string | null;
  status: 'pending' | 'sent' | 'local';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  login_attempts: LoginAttemptsTable;
  courses: CoursesTable;
  sessions: SessionsTable;
  session_trainers: SessionTrainersTable;
  bookings: BookingsTable;
  seat_holds: SeatHoldsTable;
  outbox: OutboxTable;
  // --- calendar (issue 4): add tables below this line ---
  // --- timetables (issue 5): add tables below this line ---
  // --- live and attendance (issue 6): add tables below this line ---
  // --- scale-out (issue 7): add tables below this line ---
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
export type BookingRow = Selectable<BookingsTable>;
export type OutboxRow = Selectable<OutboxTable>;
