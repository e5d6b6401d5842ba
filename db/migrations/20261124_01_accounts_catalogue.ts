import { Kysely, sql } from 'kysely';

// Frozen in time: this file imports nothing from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('urn', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Europe/London'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organisations_urn').unique().on('organisations').column('urn').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('password_hash', 'text')
    .addColumn('captioner', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('time_zone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addCheckConstraint('users_role', sql`role in ('staff','office','trainer','admin')`)
    .execute();
  await db.schema.createIndex('users_email').unique().on('users').column('email').execute();
  await db.schema.createIndex('users_org').on('users').column('org_id').execute();

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_attempts_email_at').on('login_attempts').columns(['email', 'at']).execute();

  await db.schema
    .createTable('courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.references('courses.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('capacity_in_person', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('capacity_online', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled'))
    .addColumn('booking_closes_at', 'text')
    .addColumn('waitlist_policy', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('offer_hold_minutes', 'integer', (c) => c.notNull().defaultTo(1440))
    .addColumn('holds_release_at', 'text')
    .addColumn('room_kind', 'text', (c) => c.notNull().defaultTo('webinar'))
    .addColumn('attendance_threshold', 'double precision', (c) => c.notNull().defaultTo(0.75))
    .addColumn('join_opens_minutes', 'integer', (c) => c.notNull().defaultTo(15))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('sessions_mode', sql`mode in ('online','in_person','hybrid')`)
    .addCheckConstraint('sessions_capacity', sql`capacity_in_person >= 0 and capacity_online >= 0`)
    .addCheckConstraint('sessions_times', sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex('sessions_starts_at').on('sessions').column('starts_at').execute();

  await db.schema
    .createTable('session_trainers')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('session_trainers_pk', ['session_id', 'user_id'])
    .execute();
  await db.schema.createIndex('session_trainers_user').on('session_trainers').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['session_trainers', 'sessions', 'courses', 'login_attempts', 'auth_sessions', 'users', 'organisations']) {
    await db.schema.dropTable(t).execute();
  }
}
