import { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
export async function up(db: Kysely<any>): Promise<void> {
  // A LiveKit room instance, keyed on its sid: room names are reused, sids never are.
  await db.schema
    .createTable('live_rooms')
    .addColumn('room_sid', 'text', (c) => c.primaryKey())
    .addColumn('room_name', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('finished_at', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_rooms_session').on('live_rooms').column('session_id').execute();

  // When a room was last polled for repair, so that many processes poll each room rarely.
  await db.schema
    .createTable('live_polls')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
    .addColumn('polled_at', 'text', (c) => c.notNull())
    .execute();

  // Every verified webhook, once per event id (LiveKit retries resend the same id).
  await db.schema
    .createTable('live_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('room_sid', 'text')
    .addColumn('room_name', 'text')
    .addColumn('participant_sid', 'text')
    .addColumn('participant_identity', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();

  // Presence intervals from every source; merged by monotone rules so order never matters.
  await db.schema
    .createTable('presence_intervals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('room_sid', 'text')
    .addColumn('started_at', 'text')
    .addColumn('left_at', 'text')
    .addColumn('gone_at', 'text')
    .addColumn('seen_at', 'text')
    .addColumn('aborted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('presence_intervals_key').unique().on('presence_intervals').columns(['source', 'key']).execute();
  await db.schema.createIndex('presence_intervals_session_user').on('presence_intervals').columns(['session_id', 'user_id']).execute();

  await db.schema
    .createTable('live_speakers')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_speakers_pk', ['session_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('checkin_secrets')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Failed check-in codes, to stop guessing.
  await db.schema
    .createTable('checkin_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkin_failures_booking_at').on('checkin_failures').columns(['booking_id', 'at']).execute();

  await db.schema
    .createTable('attendance_overrides')
    .addColumn('booking_id', 'text', (c) => c.primaryKey().references('bookings.id'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('attended', 'integer', (c) => c.notNull())
    .addColumn('minutes', 'integer')
    .addColumn('note', 'text')
    .addColumn('changed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('attendance_override_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('attended', 'integer', (c) => c.notNull())
    .addColumn('minutes', 'integer')
    .addColumn('note', 'text')
    .addColumn('changed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attendance_override_log_booking').on('attendance_override_log').column('booking_id').execute();

  // The outcome written when a session is over: the CPD record.
  await db.schema
    .createTable('attendance_results')
    .addColumn('booking_id', 'text', (c) => c.primaryKey().references('bookings.id'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('attended', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('caption_segments')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('final', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('speaker_identity', 'text')
    .addColumn('speaker_name', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('caption_segments_pk', ['session_id', 'segment_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['caption_segments', 'attendance_results', 'attendance_override_log', 'attendance_overrides', 'checkin_failures', 'checkin_secrets', 'live_speakers', 'presence_intervals', 'live_events', 'live_polls', 'live_rooms']) {
    await db.schema.dropTable(t).execute();
  }
}
