/**
 * The one typed view of the database. Instants are ISO 8601 UTC strings
 * (`2026-03-29T00:30:00.000Z`), which sort correctly as text on SQLite and PostgreSQL alike;
 * booleans are 0/1 integers for the same reason. Ids are random UUIDs made by the app.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'staff' | 'office' | 'trainer' | 'admin';
export type SessionMode = 'online' | 'in_person' | 'hybrid';
export type SeatKind = 'in_person' | 'online';
export type SessionAudienceKind = 'programme' | 'organisation' | 'trust';
/** England's nine regions and "national" (shared/sessions.ts AREAS has their names). */
export type SessionArea = 'north-east' | 'north-west' | 'yorkshire-humber' | 'east-midlands' | 'west-midlands' | 'east' | 'london' | 'south-east' | 'south-west' | 'national';
export type OrgKind = 'school' | 'college' | 'nursery' | 'trust' | 'local_authority';
/** Which organisations an identity provider's organisation claim may name (see IdentityProvidersTable). */
export type OrgClaimScope = 'own' | 'national';
/** A person's job, for coverage by role (not their account role). */
export type JobRole = 'teacher' | 'teaching_assistant' | 'support_staff' | 'leadership' | 'early_years';
export type BookingStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'attended' | 'absent';

/** A school, college, nursery or trust. Trusts are parents of their schools. */
export interface OrganisationsTable {
  id: string;
  name: string;
  urn: string | null;
  parent_id: string | null;
  /** school, college, nursery; trust and local_authority are parents of others. */
  kind: ColumnType<OrgKind, OrgKind | undefined, OrgKind>;
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
  /** What the person does at work (apart from their account role); null: not stated. */
  job_role: ColumnType<JobRole | null, JobRole | null | undefined, JobRole | null>;
  /**
   * When the person's personal data was erased (accounts/erasure.ts): the name and email are
   * then placeholders and every other personal field is empty; the account stays turned off
   * for good. Null: not erased.
   */
  erased_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * What an audit log entry's subject is: a person (users), an identity provider
 * (identity_providers) or an organisation (organisations).
 */
export type AuditSubjectKind = 'person' | 'identity_provider' | 'organisation';

/**
 * The security-relevant actions on accounts (server/accounts/audit.ts, which says where each is
 * recorded): `erase_personal_data`; `export_personal_data`, a copy of someone's data downloaded
 * by an office or administrator; `rectify_personal_data`, their name or email put right by one;
 * `change_placement`, their role or organisation changed; `disable_account` and
 * `enable_account`, turned off or on; `grant_captioner` and `revoke_captioner`, the captioner
 * flag given or taken away; `send_password_reset`, a reset link sent to them by an administrator;
 * `add_identity_provider`, `change_identity_provider` (which settings) and
 * `remove_identity_provider` (subject: the provider); `require_own_sign_in` and
 * `stop_requiring_own_sign_in` (subject: the organisation), who signs in where.
 */
export type AuditAction =
  | 'erase_personal_data'
  | 'export_personal_data'
  | 'rectify_personal_data'
  | 'change_placement'
  | 'disable_account'
  | 'enable_account'
  | 'grant_captioner'
  | 'revoke_captioner'
  | 'send_password_reset'
  | 'add_identity_provider'
  | 'change_identity_provider'
  | 'remove_identity_provider'
  | 'require_own_sign_in'
  | 'stop_requiring_own_sign_in';

/**
 * Actions kept on record by ids and codes only (no personal data, so an entry outlives the
 * erasure of anyone it names): who (`actor_id`, a person) did what to whom, and when; names are
 * looked up when the log is read. Written in the same transaction as the change it records,
 * and only when something changed.
 */
export interface AuditLogTable {
  id: string;
  action: AuditAction;
  actor_id: string;
  /** What `subject_id` is (a person unless said). */
  subject_kind: ColumnType<AuditSubjectKind, AuditSubjectKind | undefined, AuditSubjectKind>;
  subject_id: string;
  at: string;
  /**
   * JSON, by action (server/accounts/audit.ts `AuditFact`): `change_placement`
   * `{ role: { from, to }, orgId: { from, to } }`; `rectify_personal_data` `{ fields: ['name' | 'email'] }`
   * (null on entries from before it was kept); `add_identity_provider` and `remove_identity_provider`
   * `{ label }` (a provider's label is no one's personal data, and a removed one has no row to name it);
   * `change_identity_provider` `{ fields: [...] }` (which settings, never their values); null for the rest.
   */
  detail: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * A name or email of a person's that an office or administrator put right, kept (with when) so
 * that erasing them finds it too in what was sent or written before (accounts/erasure.ts);
 * deleted when they are erased, and shown to them in "My data". `name` or `email` is null when
 * that one did not change.
 */
export interface FormerDetailsTable {
  id: string;
  user_id: string;
  name: string | null;
  email: string | null;
  replaced_at: string;
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

/**
 * A sign-in throttle counter: attempts under one key (an account, a client address, or
 * both) since `window_start`. Bumped before any password is checked (accounts/throttle.ts).
 */
export interface LoginThrottleTable {
  key: string;
  window_start: string;
  hits: number;
}

/** An emailed password reset link. Only the token's hash is kept; `used_at` makes it single-use. */
export interface PasswordResetsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/**
 * An emailed sign-in link. Only the token's hash is kept; `used_at` makes it single-use;
 * `browser_hash` is the hash of a random cookie set in the browser that asked for it, which
 * must come back with the link.
 */
export interface SignInLinksTable {
  id: string;
  token_hash: string;
  user_id: string;
  browser_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** An OpenID Connect identity provider an administrator configured. `org_domains` is JSON: [{domain, orgId}]. */
export interface IdentityProvidersTable {
  id: string;
  label: string;
  issuer: string;
  client_id: string;
  /** AES-256-GCM, key from OIDC_SECRET_KEY; null for a public client. */
  client_secret_enc: string | null;
  org_domains: string;
  /** An ID token claim whose value is an organisation's URN (e.g. DfE Sign-in's). */
  org_claim: string | null;
  /**
   * Which organisations `org_claim` may name: `own`, those `org_domains` map to and the
   * organisations directly under them; `national`, any with a URN (shared/accounts.ts
   * OrgClaimScope). Defaults to `own` when not given.
   */
  org_claim_scope: ColumnType<OrgClaimScope, OrgClaimScope | undefined, OrgClaimScope>;
  created_at: string;
}

/** A sign-in with an identity provider under way: PKCE verifier and nonce kept here, keyed by `state`, used once. */
export interface OidcLoginsTable {
  state: string;
  provider_id: string;
  code_verifier: string;
  nonce: string;
  browser_hash: string;
  next_path: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A person's account at an identity provider (`subject` is its `sub`). */
export interface UserIdentitiesTable {
  id: string;
  provider_id: string;
  subject: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
}

export interface CoursesTable {
  id: string;
  title: string;
  description: string;
  /** A person completes the course by attending a session of each part 1..parts_required. */
  parts_required: ColumnType<number, number | undefined, number>;
  created_at: string;
  /** 1: feedback comments on this course's sessions are shown without names. */
  anonymous_feedback: Generated<number>;
}

/** One live occurrence of training: a time, a mode, and seats of one or two kinds. */
export interface SessionsTable {
  id: string;
  course_id: string | null;
  /** Which part (1..n) of its course this session is; attending any session of a part counts for that part. */
  part: ColumnType<number, number | undefined, number>;
  title: string;
  description: string;
  mode: SessionMode;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  venue: string | null;
  /** The region people find the session under (null: none given). */
  area: ColumnType<SessionArea | null, SessionArea | null | undefined, SessionArea | null>;
  capacity_in_person: number;
  capacity_online: number;
  status: 'scheduled' | 'cancelled';
  /** The booking cut-off the trainer set, if any (booking_ends_at is when booking actually closes). */
  booking_closes_at: string | null;
  /**
   * When booking closes: the cut-off, or once too little of the session is left to attend
   * enough of it, or its end, whichever is first (shared/sessions.ts, bookingEndsAt). Written
   * with every change of the four, so a list can ask for sessions still open in SQL.
   */
  booking_ends_at: string;
  waitlist_policy: 'auto' | 'offer';
  offer_hold_minutes: number;
  /** Unclaimed seat holds are released to everyone at this instant (null: at the booking cut-off, else at the end; shared/sessions.ts heldSeatsReleasedAt). */
  holds_release_at: string | null;
  room_kind: 'webinar' | 'workshop';
  attendance_threshold: number;
  join_opens_minutes: number;
  /** Raised on every change of time, place or status: the calendar SEQUENCE base. */
  revision: number;
  created_by: string | null;
  /** Who the session is for: the whole programme, one organisation's staff, or a trust and its schools (in-house training). */
  audience_kind: ColumnType<SessionAudienceKind, SessionAudienceKind | undefined, SessionAudienceKind>;
  /** The organisation or trust of an in-house session (null for the programme). */
  audience_org_id: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * Seat counts per seat kind, stored for speed (listing sessions reads no booking rows):
   * seats taken (confirmed, attended, absent), live offers, people waiting. Changed only in
   * the transaction that changes the bookings, under the session's lock
   * (server/bookings/repository.ts, `applySeatDeltas`); `npm run check:counts` compares
   * them with the rows.
   */
  confirmed_in_person: Generated<number>;
  offered_in_person: Generated<number>;
  waiting_in_person: Generated<number>;
  confirmed_online: Generated<number>;
  offered_online: Generated<number>;
  waiting_online: Generated<number>;
  /**
   * The last queue number given to a booking of this session (0: none yet); the next booking
   * takes the one after. Stored like the counts, raised only with the bookings it numbers.
   */
  last_queue_seq: Generated<number>;
  /** When it was cancelled (null while scheduled): the places cancelled with it carry the same instant. */
  cancelled_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The reason its trainer gave for cancelling it, shown on its page and its people's bookings (null: none given). */
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

/** A member of staff who may create and run sessions for one organisation (and its schools, for a trust). */
/**
 * A training material: a file kept in the database (`content`, BLOB on SQLite, bytea on
 * PostgreSQL; read back as a Buffer) or a link. It belongs to a course's library
 * (`course_id`, kept by administrators) or is one session's own (`session_id`, added by its
 * trainer or in-house lead). `content_type` is what the bytes were found to be, never what
 * the uploader said.
 */
export interface MaterialsTable {
  id: string;
  kind: 'file' | 'link';
  title: string;
  course_id: string | null;
  session_id: string | null;
  url: string | null;
  file_name: string | null;
  content_type: string | null;
  size_bytes: number | null;
  sha256: string | null;
  content: Buffer | null;
  created_by: string;
  created_at: string;
}

/** The materials a session uses: library materials it attached, and its own. */
export interface SessionMaterialsTable {
  session_id: string;
  material_id: string;
  added_by: string;
  added_at: string;
}

export interface InhouseLeadsTable {
  user_id: string;
  org_id: string;
  created_by: string;
  created_at: string;
}

/** Trainers who may run a course's sessions (none listed: any trainer). */
export interface CourseTrainersTable {
  course_id: string;
  user_id: string;
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
  /** 0 when the hold was removed while bookings still claim it (the claims are kept). */
  seats: number;
  /** Bookings that took these held seats and still occupy one (stored like the session's counts). */
  claimed: Generated<number>;
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
  /** The rendered message: null until it is delivered (a notice is rendered then, from its facts). */
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  /** JSON text of extra parts: { ical?: { method, content } } for calendar invites. */
  attachments: string | null;
  /** The facts of a booking notice, as they were when it was written. */
  booking_status: BookingStatus | null;
  booking_revision: number | null;
  offer_expires_at: string | null;
  queue_position: number | null;
  reason: string | null;
  /** Who made the change a notice tells of (a user id), when someone did: a cancellation's email names them unless it was the person. */
  acted_by: string | null;
  /** The booking's status before the change the notice tells of (a cancellation's: whether the person held a seat, and so an invite). */
  prior_status: BookingStatus | null;
  /** An idempotency key: a reminder or notice is enqueued at most once per key. */
  dedupe_key: string | null;
  status: 'pending' | 'sent' | 'local' | 'dropped';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** One LiveKit room instance (room names are reused; a sid never is), mapped to its session at first sight. */
export interface LiveRoomsTable {
  room_sid: string;
  room_name: string;
  session_id: string;
  finished_at: string | null;
  first_seen_at: string;
}

export interface LivePollsTable {
  session_id: string;
  polled_at: string;
}

/** A verified LiveKit webhook, stored once per event id. */
export interface LiveEventsTable {
  id: string;
  event: string;
  room_sid: string | null;
  room_name: string | null;
  participant_sid: string | null;
  participant_identity: string | null;
  occurred_at: string;
  received_at: string;
  payload: string;
}

/**
 * One stretch of someone's presence at a session. `source` is livekit (key: participant
 * sid), client (the browser's own reports) or checkin (in person). Ends are kept apart
 * (left_at from a participant_left, gone_at from polling, seen_at from heartbeats) so that
 * merging is order-independent; the effective end is decided when attendance is computed.
 */
export interface PresenceIntervalsTable {
  id: string;
  session_id: string;
  user_id: string;
  source: 'livekit' | 'client' | 'checkin';
  key: string;
  room_sid: string | null;
  started_at: string | null;
  left_at: string | null;
  gone_at: string | null;
  seen_at: string | null;
  aborted: number;
  created_at: string;
  updated_at: string;
}

/** A webinar listener the trainer invited to speak. */
export interface LiveSpeakersTable {
  session_id: string;
  user_id: string;
  granted_by: string;
  granted_at: string;
}

/** A participant a trainer removed from a session's live room: they cannot join it again until a trainer lets them back. */
export interface LiveRemovalsTable {
  session_id: string;
  user_id: string;
  removed_by: string;
  removed_at: string;
}

/** A live room a trainer ended for everyone: from then on only the session's trainers may join it (until one reopens it). */
export interface LiveRoomEndsTable {
  session_id: string;
  ended_by: string;
  ended_at: string;
}

/** A captioner a trainer assigned to a session: their captions may name who is speaking. */
export interface LiveCaptionersTable {
  session_id: string;
  user_id: string;
  assigned_by: string;
  assigned_at: string;
}

export interface CheckinSecretsTable {
  session_id: string;
  secret: string;
  created_at: string;
}

export interface CheckinFailuresTable {
  id: string;
  booking_id: string;
  at: string;
}

/** A trainer's register tick or correction: wins over computed attendance. */
export interface AttendanceOverridesTable {
  booking_id: string;
  session_id: string;
  attended: number;
  minutes: number | null;
  note: string | null;
  changed_by: string;
  changed_at: string;
}

export interface AttendanceOverrideLogTable extends AttendanceOverridesTable {
  id: string;
}

/** The attendance outcome recorded once a session is over: the CPD record. */
export interface AttendanceResultsTable {
  booking_id: string;
  session_id: string;
  user_id: string;
  /** Null when unknown: a register tick with no minutes for someone of whom no presence was observed. */
  minutes: number | null;
  attended: number;
  source: string;
  computed_at: string;
}

/** One caption segment; the same segment id again replaces it. */
export interface CaptionSegmentsTable {
  session_id: string;
  segment_id: string;
  text: string;
  final: number;
  started_at: string;
  ended_at: string | null;
  speaker_identity: string | null;
  speaker_name: string | null;
  author_id: string;
  created_at: string;
  updated_at: string;
}

/**
 * A private calendar subscription URL for a person's or an organisation's bookings. Only
 * the token's SHA-256 is kept; revoking (rotation) makes the URL answer 404. A token is
 * derived from the feed, its maker and `generation` under the feed secret
 * (server/calendar/feed-tokens.ts), so it can be made again; rows from before that (random
 * tokens) have a null generation.
 */
export interface CalendarFeedTokensTable {
  id: string;
  token_hash: string;
  owner_kind: 'user' | 'org';
  owner_id: string;
  created_by: string | null;
  /** Unique per (owner_kind, owner_id, created_by); null for a random token of old. */
  generation: number | null;
  created_at: string;
  revoked_at: string | null;
}

/** Secrets the server made for itself (e.g. the calendar feed secret when FEED_TOKEN_SECRET is unset). */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

/**
 * A subscription feed's stored revision (one per person, one per organisation), raised in
 * the transaction of every change that alters what the feed shows.
 */
export interface CalendarFeedRevisionsTable {
  owner_kind: 'user' | 'org';
  owner_id: string;
  revision: number;
  /** When the feed last changed (its Last-Modified). */
  changed_at: string;
  /** The latest cancellation among its bookings: until 30 days after it, cancellations are still leaving the feed. */
  last_cancelled_at: string | null;
}

/** A person's timetable: where it came from (an upload or a subscription URL) and its zone. */
export interface TimetablesTable {
  user_id: string;
  source: 'csv' | 'ics' | 'subscription';
  /** IANA zone the weekly lessons' local times are in. */
  time_zone: string;
  subscription_url: string | null;
  last_fetched_at: string | null;
  last_error: string | null;
  next_fetch_at: string | null;
  /** A refresh job's claim on this subscription (any process), until this instant. */
  locked_until: string | null;
  updated_by: string | null;
  updated_at: string;
}

/**
 * One entry of a timetable. `weekly`: a lesson on ISO weekday `day` (1 = Monday) from
 * `start_time` to `end_time` local ('HH:MM'), every week or only week A/B. `dated`: one busy
 * occurrence from `starts_at` to `ends_at` (UTC instants). `free`: local dates
 * [`date_from`, `date_to`) on which the school is closed.
 */
export interface TimetablePeriodsTable {
  id: string;
  user_id: string;
  kind: 'weekly' | 'dated' | 'free';
  label: string;
  day: number | null;
  week: 'A' | 'B' | null;
  start_time: string | null;
  end_time: string | null;
  starts_at: string | null;
  ends_at: string | null;
  date_from: string | null;
  date_to: string | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  login_throttle: LoginThrottleTable;
  password_resets: PasswordResetsTable;
  sign_in_links: SignInLinksTable;
  identity_providers: IdentityProvidersTable;
  oidc_logins: OidcLoginsTable;
  user_identities: UserIdentitiesTable;
  courses: CoursesTable;
  sessions: SessionsTable;
  session_trainers: SessionTrainersTable;
  inhouse_leads: InhouseLeadsTable;
  materials: MaterialsTable;
  session_materials: SessionMaterialsTable;
  course_trainers: CourseTrainersTable;
  bookings: BookingsTable;
  seat_holds: SeatHoldsTable;
  outbox: OutboxTable;
  // --- calendar (issue 4): add tables below this line ---
  calendar_feed_tokens: CalendarFeedTokensTable;
  calendar_feed_revisions: CalendarFeedRevisionsTable;
  server_secrets: ServerSecretsTable;
  // --- timetables (issue 5): add tables below this line ---
  timetables: TimetablesTable;
  timetable_periods: TimetablePeriodsTable;
  // --- live and attendance (issue 6): add tables below this line ---
  live_rooms: LiveRoomsTable;
  live_events: LiveEventsTable;
  live_polls: LivePollsTable;
  presence_intervals: PresenceIntervalsTable;
  live_speakers: LiveSpeakersTable;
  checkin_secrets: CheckinSecretsTable;
  checkin_failures: CheckinFailuresTable;
  attendance_overrides: AttendanceOverridesTable;
  attendance_override_log: AttendanceOverrideLogTable;
  attendance_results: AttendanceResultsTable;
  caption_segments: CaptionSegmentsTable;
  live_removals: LiveRemovalsTable;
  live_room_ends: LiveRoomEndsTable;
  live_captioners: LiveCaptionersTable;
  // --- scale-out (issue 7): add tables below this line ---
  idempotency_keys: IdempotencyKeysTable;
  // --- feedback and certificates (issue 19) ---
  feedback: FeedbackTable;
  certificates: CertificatesTable;
  // --- erasure of personal data ---
  audit_log: AuditLogTable;
  former_details: FormerDetailsTable;
}

/** One attendee's evaluation of one session (scores 1-5), editable for a while after it. */
export interface FeedbackTable {
  id: string;
  session_id: string;
  user_id: string;
  booking_id: string;
  usefulness: number;
  confidence_before: number;
  confidence_after: number;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A certificate as issued: what it certifies (`subject_key`), what is printed on it, and the
 * code that verifies it. The printed fields are kept as printed, so the public check shows
 * exactly what the paper says (and says "withdrawn" once any of them is no longer true).
 */
export interface CertificatesTable {
  code: string;
  subject_key: string;
  kind: 'attendance' | 'course';
  user_id: string;
  booking_id: string | null;
  course_id: string | null;
  person_name: string;
  session_title: string | null;
  course_title: string | null;
  /** The session's date, or the course's completion date (YYYY-MM-DD, Europe/London). */
  held_on: string;
  minutes: number | null;
  /**
   * An attendance certificate's session times as printed (instants; shown in England, as
   * `held_on` is). Null on a course certificate, and on one issued before certificates printed
   * times (it prints none).
   */
  session_starts_at: string | null;
  session_ends_at: string | null;
  issued_at: string;
  /**
   * Set when a printed fact changed and a new certificate (new code) was issued for the same
   * subject: the old code then answers "withdrawn". One row per subject has it null (unique).
   */
  superseded_at: string | null;
}

/**
 * A request made with an `Idempotency-Key`, per person, kept 24 hours: a retry with the
 * same key and body gets `status`/`body` again. Until the first answer is stored, the row is
 * in flight (its lease runs to `locked_until`); `outcome` is what a booking committed, written
 * in the booking's own transaction (JSON).
 */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
  outcome: string | null;
  locked_until: string;
  created_at: string;
  expires_at: string;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

export type OrganisationRow = Selectable<OrganisationsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
export type BookingRow = Selectable<BookingsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type IdentityProviderRow = Selectable<IdentityProvidersTable>;
