import { Kysely, SqliteAdapter } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Training materials (issue 20): files (kept in the database itself, so SQLite and PostgreSQL
// both work and nothing else needs running) or links. A material is either in a course's
// library (course_id set, kept by administrators) or a session's own (session_id set, added
// by the session's trainer or in-house lead). session_materials says which materials a
// session uses: library ones it attached, and its own.
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof SqliteAdapter ? 'blob' : 'bytea';
  await db.schema
    .createTable('materials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // 'file' | 'link'
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.references('courses.id'))
    .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
    .addColumn('url', 'text')
    .addColumn('file_name', 'text')
    .addColumn('content_type', 'text')
    .addColumn('size_bytes', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('content', bytes)
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('materials_course_idx').on('materials').column('course_id').execute();
  await db.schema.createIndex('materials_session_idx').on('materials').column('session_id').execute();
  await db.schema
    .createTable('session_materials')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('material_id', 'text', (c) => c.notNull().references('materials.id'))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_materials_pk', ['session_id', 'material_id'])
    .execute();
  await db.schema.createIndex('session_materials_material_idx').on('session_materials').column('material_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_materials').execute();
  await db.schema.dropTable('materials').execute();
}
