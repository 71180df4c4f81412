import SqliteDatabase from 'better-sqlite3';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBounces } from '../../db/repositories/bounce.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import type { BounceSmtpServer } from '../../src/adapters/mail-in/bounce-smtp-server.js';
import { startBounceListener } from '../../src/app.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { bounceOf } from '../support/bounce-helpers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS, TEST_POSTGRES_URL } from '../support/test-database.js';

/*
 * The bounce listener while the database cannot take the message: the sender is told 451
 * 4.3.0 (try again later), never 250 for a message not stored; once the database is back, the
 * sender's retry is stored and answered 250. PostgreSQL refuses every connection (its
 * connections ended, new ones not allowed); SQLite is held by another writer past the busy
 * timeout.
 */

const DOMAIN = 'bounce.brief.example';

describe.each(DIALECTS)('the bounce listener when the database cannot store (%s)', (dialect) => {
  let t: TestApp;
  let listener: BounceSmtpServer;

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      env: { BOUNCE_ADDRESS: `bounces@${DOMAIN}`, BOUNCE_SMTP_PORT: '0' },
    });
    await saveReader(t.app, {
      email: 'ann@corp.example',
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    listener = (await startBounceListener(t.app)) as BounceSmtpServer;
  });
  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  /** Takes the database away; gives back a function that returns it. */
  async function takeDatabaseAway(): Promise<() => Promise<void>> {
    if (dialect === 'postgres') {
      const name = new URL(t.database.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      return async () => {
        await admin.query(`alter database ${name} allow_connections true`);
        await admin.end();
      };
    }
    const file = t.database.url.slice('sqlite:'.length);
    const holder = new SqliteDatabase(file);
    holder.exec('begin exclusive');
    return async () => {
      holder.exec('commit');
      holder.close();
    };
  }

  it('answers 451 4.3.0 while it cannot store, then 250 to the retry, stored once', async () => {
    // A bounce for a delivery that is not there: recorded unmatched, which is enough here.
    const raw = bounceOf('dsn-postfix-user-unknown.eml', t.app.secretKey, {
      id: 999,
      recipient: 'ann@corp.example',
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      ignoreTLS: true,
      socketTimeout: 60_000,
    });
    const envelope = { from: '', to: [`bounces+d999-aaaaaaaaaaaaaaaa@${DOMAIN}`] };
    const giveBack = await takeDatabaseAway();
    try {
      await expect(transport.sendMail({ envelope, raw })).rejects.toMatchObject({
        responseCode: 451,
        response: expect.stringMatching(/^451 4\.3\.0 /),
      });
    } finally {
      await giveBack();
    }
    const retried = await transport.sendMail({ envelope, raw });
    expect(retried.response).toMatch(/^250 /);
    // The sender may retry once more (a lost 250): still one record.
    await transport.sendMail({ envelope, raw });
    transport.close();
    const recorded = await listBounces(t.app.db, {}, null);
    expect(recorded.map((b) => b.source)).toEqual(['smtp']);
    expect(await findSuppression(t.app.db, 'ann@corp.example')).toBeUndefined();
  }, 120_000);
});
