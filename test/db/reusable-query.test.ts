import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connection.js';
import { reusableQuery } from '../../db/reusable-query.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const byPlanAndZone = reusableQuery((db: Db, plan: string, tz: string) =>
  db
    .selectFrom('subscribers')
    .select(['email', 'plan'])
    .where('plan', '=', plan as 'free')
    .where('tz', '=', tz)
    .where('status', '=', 'active')
    .orderBy('email'),
);

const sameValueTwice = reusableQuery((db: Db, email: string) =>
  db
    .selectFrom('subscribers')
    .select('email')
    .where((eb) => eb.or([eb('email', '=', email), eb('name', '=', email)])),
);

describe.each(DIALECTS)('a query built once and run with new values (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    const reader = (email: string, plan: 'free' | 'subscriber', tz: string) =>
      saveReader(t.app, {
        email,
        name: null,
        plan,
        trialEndsAt: null,
        tz,
        marketingConsent: false,
      });
    await reader('a@corp.example', 'free', 'UTC');
    await reader('b@corp.example', 'subscriber', 'UTC');
    await reader('c@corp.example', 'free', 'Europe/Paris');
  });
  afterEach(async () => t.close());

  it('answers each call with its own values, in their places, constants kept', async () => {
    expect((await byPlanAndZone(t.app.db, 'free', 'UTC')).rows).toEqual([
      { email: 'a@corp.example', plan: 'free' },
    ]);
    expect((await byPlanAndZone(t.app.db, 'subscriber', 'UTC')).rows).toEqual([
      { email: 'b@corp.example', plan: 'subscriber' },
    ]);
    expect((await byPlanAndZone(t.app.db, 'free', 'Europe/Paris')).rows).toEqual([
      { email: 'c@corp.example', plan: 'free' },
    ]);
    expect((await byPlanAndZone(t.app.db, 'free', 'Asia/Tokyo')).rows).toEqual([]);
  });

  it('fills a value used twice in both places', async () => {
    expect((await sameValueTwice(t.app.db, 'b@corp.example')).rows).toEqual([
      { email: 'b@corp.example' },
    ]);
  });

  it('refuses a query that changes a value before using it', async () => {
    const changed = reusableQuery((db: Db, email: string) =>
      db.selectFrom('subscribers').select('email').where('email', '=', email.toLowerCase()),
    );
    await expect(changed(t.app.db, 'A@corp.example')).rejects.toThrow(/unchanged/);
  });
});
