import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateDatabase, openDatabase } from '../../db/connection.js';
import { findReaderById, upsertReader } from '../../db/repositories/reader.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The hot queries run as named statements on PostgreSQL, and survive a schema change. */
describe('prepared statements on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    db = openDatabase(database.config);
    await migrateDatabase(db);
    await upsertReader(db, READER, new Date('2026-11-28T07:00:00Z'));
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  /** One connection for the whole check: prepared statements belong to a session. */
  async function onOneConnection<T>(run: (conn: Db) => Promise<T>): Promise<T> {
    return db.connection().execute(run);
  }

  it('prepares a hot query once per connection and runs it by name', async () => {
    const names = await onOneConnection(async (conn) => {
      for (let i = 0; i < 3; i++) expect((await findReaderById(conn, 1))?.email).toBe(READER.email);
      const { rows } = await sql<{ statement: string }>`
        select statement from pg_prepared_statements`.execute(conn);
      return rows.map((row) => row.statement);
    });
    expect(names.filter((text) => text.startsWith('select * from "subscribers"'))).toHaveLength(1);
  });

  it('names its statements anew after a migration changes what they return', async () => {
    await onOneConnection(async (conn) => {
      expect((await findReaderById(conn, 1))?.email).toBe(READER.email);
      await sql`alter table subscribers add column note text`.execute(conn);
      // The statement prepared before the change is refused once; the next run prepares anew.
      const first = await findReaderById(conn, 1).then(
        (reader) => reader?.email,
        (error: { code?: string }) => error.code,
      );
      expect(first).toBe('0A000');
      expect((await findReaderById(conn, 1))?.email).toBe(READER.email);
    });
  });
});

const READER = {
  email: 'oz@corp.example',
  name: null,
  plan: 'free' as const,
  trialEndsAt: null,
  tz: 'UTC',
  marketingConsent: false,
};
