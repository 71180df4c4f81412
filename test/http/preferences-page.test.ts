import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { listSubscriptions } from '../../db/repositories/subscription.repository.js';
import { signToken } from '../../src/domain/signed-token.js';
import { saveReader } from '../../src/services/readers.service.js';
import { subscribe } from '../../src/services/subscriptions.service.js';
import { addTopic } from '../../src/services/topics.service.js';
import { launchBrowser } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startTestHttpServer } from '../support/test-http.js';

/** A reader changes how often they hear from us, in a real browser. */
describe('the preferences page in a browser', () => {
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    t.setNow(new Date('2026-11-28T10:00:00Z'));
    server = await startTestHttpServer(t.app);
    base = server.base;
    browser = await launchBrowser();
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanctions' });
    await saveReader(t.app, {
      email: 'uma@corp.example',
      name: 'Uma',
      plan: 'free',
      trialEndsAt: null,
      tz: 'Europe/Paris',
      marketingConsent: true,
    });
    await subscribe(t.app, { email: 'uma@corp.example', topic: 'customs', cadence: 'instant' });
    await subscribe(t.app, {
      email: 'uma@corp.example',
      topic: 'sanctions',
      cadence: 'daily',
      sendAt: '08:00',
    });
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
    await t.close();
  });

  it('saves a new cadence, a pause and a marketing opt-out', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'preferences', reader: 'uma@corp.example' },
      new Date('2027-01-01T00:00:00Z'),
    );
    const page = await browser.newPage();
    await page.goto(`${base}/p/${token}`);
    expect(await page.textContent('h1')).toBe('Your email preferences');

    const rows = page.locator('tr');
    await rows.filter({ hasText: 'customs' }).locator('select').selectOption('weekly');
    await rows.filter({ hasText: 'sanctions' }).getByLabel('Paused').check();
    await page.getByLabel('Send me offers and trial invitations').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForSelector('text=Your preferences are saved.');

    const subs = await listSubscriptions(t.app.db, 'uma@corp.example');
    const customs = subs.find((s) => s.topicSlug === 'customs')!;
    const sanctions = subs.find((s) => s.topicSlug === 'sanctions')!;
    expect(customs).toMatchObject({ cadence: 'weekly', paused: false, weekday: 1 });
    // Next Monday 07:00 in Paris.
    expect(customs.nextDueAt?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(sanctions).toMatchObject({ cadence: 'daily', paused: true });
    expect((await findReaderByEmail(t.app.db, 'uma@corp.example'))?.marketingConsent).toBe(false);
    // The page shows what was saved.
    expect(await rows.filter({ hasText: 'customs' }).locator('select').inputValue()).toBe('weekly');
  });
});
