import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, migrateDatabase, openDatabase } from '../../db/connection.js';
import { migrations } from '../../db/migrations/index.js';
import { openReaderLink } from '../../src/services/web/index.js';
import { signLegacyToken } from '../support/reader-tokens.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/test-database.js';

const KEY = Buffer.from('k'.repeat(32));

/** 0012-privacy on a database that already holds readers and a campaign's recipients. */
describe.each(DIALECTS)('migration 0012-privacy on existing rows (%s)', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  afterEach(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('gives every reader a secret of their own, keeps their old links and the recipients', async () => {
    database = await createTestDatabase(dialect);
    db = openDatabase(database.config);
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0011-delivery-stats')).error).toBeUndefined();
    const at = new Date().toISOString();
    for (const email of ['ann@corp.example', 'bo@corp.example']) {
      await db
        .insertInto('subscribers')
        .values({
          email,
          name: null,
          plan: 'free',
          tz: 'UTC',
          status: 'active',
          marketing_consent: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    await db
      .insertInto('campaigns')
      .values({
        name: 'C',
        subject: 'S',
        story_count: 5,
        rate: 1,
        one_per_domain: 0,
        status: 'done',
        created_at: at,
        updated_at: at,
      })
      .execute();
    await db
      .insertInto('campaign_recipients')
      .values({
        campaign_id: 1,
        subscriber_id: 1,
        email: 'ann@corp.example',
        domain: 'corp.example',
        status: 'queued',
        created_at: at,
        updated_at: at,
      })
      .execute();

    expect(await migrateDatabase(db)).toContain('0012-privacy');
    const readers = await db
      .selectFrom('subscribers')
      .select(['id', 'link_secret', 'legacy_links'])
      .orderBy('id')
      .execute();
    expect(readers.map((r) => Boolean(r.legacy_links))).toEqual([true, true]);
    expect(
      readers.every((r) => typeof r.link_secret === 'string' && r.link_secret.length >= 32),
    ).toBe(true);
    expect(new Set(readers.map((r) => r.link_secret)).size).toBe(2);
    expect(await db.selectFrom('campaign_recipients').selectAll().execute()).toEqual([
      expect.objectContaining({ campaign_id: 1, subscriber_id: 1, email: 'ann@corp.example' }),
    ]);
    // An erased reader's invitation can now stay without them.
    await db.updateTable('campaign_recipients').set({ subscriber_id: null }).execute();

    // A link already sent, in the older format, still opens for a reader from before.
    const ctx = {
      db,
      settings: {} as never,
      log: {} as never,
      now: () => new Date(),
      verificationKeys: [KEY],
    };
    const old = signLegacyToken(
      KEY,
      { kind: 'preferences', reader: 'ann@corp.example' },
      new Date(Date.now() + 86_400_000),
    );
    expect(await openReaderLink(ctx, old, 'preferences')).toMatchObject({
      reader: 'ann@corp.example',
      readerId: 1,
    });
  });
});
