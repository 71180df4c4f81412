import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { findReaderStanding } from '../../db/repositories/reader-preferences.repository.js';
import { listSubscriptions } from '../../db/repositories/subscription.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { launchBrowser } from '../support/browser.js';
import { checkPage } from '../support/page-checks.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startTestHttpServer } from '../support/test-http.js';

const EMAIL = 'uma@corp.example';
/** A Saturday; 04:00 in Chicago. */
const NOW = new Date('2026-11-28T10:00:00Z');

/**
 * A reader changes every preference in a real browser whose time zone is Chicago while their
 * account says Paris. The database is checked after each save, each page with axe-core.
 */
describe('the preferences page in a browser', () => {
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    t.setNow(NOW);
    server = await startTestHttpServer(t.app);
    browser = await launchBrowser();
    context = await browser.newContext({ timezoneId: 'America/Chicago' });
    page = await context.newPage();
    for (const [slug, name] of [
      ['customs', 'Customs rulings'],
      ['sanctions', 'Russia sanctions'],
      ['tariffs', 'Tariffs'],
      ['remedies', 'Trade remedies'],
      ['export-controls', 'Export controls'],
    ] as const) {
      await addTopic(t.app, { slug, name, query: slug.replace('-', ' ') });
    }
    await saveReader(t.app, {
      email: EMAIL,
      name: 'Uma',
      plan: 'free',
      trialEndsAt: null,
      tz: 'Europe/Paris',
      marketingConsent: true,
    });
    await subscribe(t.app, { email: EMAIL, topic: 'customs', cadence: 'instant' });
    await subscribe(t.app, { email: EMAIL, topic: 'sanctions', cadence: 'daily', sendAt: '08:00' });
    await subscribe(t.app, { email: EMAIL, topic: 'tariffs', cadence: 'daily' });
    await subscribe(t.app, { email: EMAIL, topic: 'remedies', cadence: 'weekly' });
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      { kind: 'preferences', reader: EMAIL },
      new Date('2027-01-01T00:00:00Z'),
    );
    url = `${server.base}/p/${token}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  const subs = async () =>
    Object.fromEntries((await listSubscriptions(t.app.db, EMAIL)).map((s) => [s.topicSlug, s]));
  const topic = (name: string) => page.getByRole('group', { name });
  const save = async () => {
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForLoadState('domcontentloaded');
  };

  it('shows topics by name, the zone, and suggests the browser’s zone', async () => {
    await page.goto(url);
    expect(await page.textContent('h1')).toBe('Your email preferences');
    for (const name of ['Customs rulings', 'Russia sanctions', 'Tariffs', 'Trade remedies']) {
      await expect(topic(name).isVisible()).resolves.toBe(true);
    }
    expect(await page.getByLabel('Your time zone').inputValue()).toBe('Europe/Paris');
    const suggestion = page.getByRole('button', {
      name: 'Use this browser’s time zone: America/Chicago',
    });
    expect(await suggestion.isVisible()).toBe(true);
    expect(await checkPage(page, 'preferences')).toEqual([]);
  });

  it('saves every control of the form at once and recomputes the next sends', async () => {
    await page.goto(url);
    const customs = topic('Customs rulings');
    await customs.getByLabel('How often').selectOption('weekly');
    await customs.getByLabel('Day', { exact: true }).selectOption('wed');
    await customs.getByLabel('Send time').fill('08:30');
    const sanctions = topic('Russia sanctions');
    await sanctions.getByLabel('Send time').fill('06:45');
    await sanctions.getByLabel(/Weekdays only/).check();
    await topic('Tariffs').getByLabel('Paused').check();
    await topic('Trade remedies').getByLabel('Stop following this topic').check();
    const follow = topic('Follow another topic');
    await follow.getByLabel('Topic').selectOption('export-controls');
    await follow.getByLabel('How often').selectOption('weekly');
    await page.getByRole('button', { name: /Use this browser’s time zone/ }).click();
    expect(await page.getByLabel('Your time zone').inputValue()).toBe('America/Chicago');
    await page.getByLabel('Send me offers and trial invitations').uncheck();
    await save();
    await page.waitForSelector('text=Your preferences are saved.');

    const after = await subs();
    expect(Object.keys(after).sort()).toEqual([
      'customs',
      'export-controls',
      'sanctions',
      'tariffs',
    ]);
    expect(after.customs).toMatchObject({ cadence: 'weekly', weekday: 3, sendAt: '08:30' });
    // Wednesday 08:30 in Chicago (CST, UTC-6).
    expect(after.customs?.nextDueAt?.toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(after.sanctions).toMatchObject({ cadence: 'daily', weekdays: true, sendAt: '06:45' });
    // Monday, the first weekday after this Saturday.
    expect(after.sanctions?.nextDueAt?.toISOString()).toBe('2026-11-30T12:45:00.000Z');
    expect(after.tariffs).toMatchObject({ paused: true });
    expect(after['export-controls']).toMatchObject({
      cadence: 'weekly',
      weekday: 1,
      paused: false,
    });
    expect(after['export-controls']?.nextDueAt?.toISOString()).toBe('2026-11-30T13:00:00.000Z');
    const reader = await findReaderByEmail(t.app.db, EMAIL);
    expect(reader).toMatchObject({ tz: 'America/Chicago', marketingConsent: false });
    // The page shows what was saved.
    expect(await topic('Customs rulings').getByLabel('How often').inputValue()).toBe('weekly');
    expect(await topic('Tariffs').getByLabel('Paused').isChecked()).toBe(true);
    expect(await checkPage(page, 'preferences-saved')).toEqual([]);
  });

  it('refuses an invalid value beside its field and saves nothing of that form', async () => {
    await page.goto(url);
    await topic('Customs rulings').getByLabel('How often').selectOption('daily');
    await page.getByLabel('Pause everything for this many days').fill('999');
    await save();
    await page.waitForSelector('text=Nothing was saved');
    const field = page.getByLabel('Pause everything for this many days');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toContain('pause-days-error');
    expect(await page.textContent('#pause-days-error')).toMatch(/from 0 .* to 365/);
    expect(await field.inputValue()).toBe('999');
    expect((await subs()).customs?.cadence).toBe('weekly');
    expect((await findReaderStanding(t.app.db, EMAIL))?.pausedUntil).toBeNull();
    expect(await checkPage(page, 'preferences-error')).toEqual([]);
  });

  it('pauses everything for some days, moving the next sends past the pause, and resumes', async () => {
    await page.goto(url);
    await page.getByLabel('Pause everything for this many days').fill('7');
    await save();
    await page
      .waitForSelector('text=All emails are paused until', { timeout: 5000 })
      .catch(async (e) => {
        console.log(await page.textContent('main'));
        throw e;
      });
    expect((await findReaderStanding(t.app.db, EMAIL))?.pausedUntil?.toISOString()).toBe(
      '2026-12-05T10:00:00.000Z',
    );
    const paused = await subs();
    expect(paused.sanctions?.nextDueAt?.toISOString()).toBe('2026-12-07T12:45:00.000Z');
    expect(paused.customs?.nextDueAt?.toISOString()).toBe('2026-12-09T14:30:00.000Z');
    expect(await checkPage(page, 'preferences-paused')).toEqual([]);

    await page.getByLabel('Pause everything for this many days').fill('0');
    await save();
    await page.waitForSelector('text=Your preferences are saved.');
    expect((await findReaderStanding(t.app.db, EMAIL))?.pausedUntil).toBeNull();
    expect((await subs()).sanctions?.nextDueAt?.toISOString()).toBe('2026-11-30T12:45:00.000Z');
    expect(await page.locator('text=All emails are paused until').count()).toBe(0);
  });

  it('unsubscribes from everything and resubscribes from the same page', async () => {
    await page.goto(url);
    await page.getByRole('button', { name: 'Unsubscribe from all emails' }).click();
    await page.waitForSelector('text=You are unsubscribed from all emails.');
    expect((await findReaderByEmail(t.app.db, EMAIL))?.status).toBe('unsubscribed');
    expect(await findSuppression(t.app.db, EMAIL)).toMatchObject({ reason: 'unsubscribed' });
    expect(await checkPage(page, 'preferences-unsubscribed')).toEqual([]);

    await page.getByRole('button', { name: 'Resubscribe' }).click();
    await page.waitForSelector('text=You are subscribed again.');
    expect((await findReaderByEmail(t.app.db, EMAIL))?.status).toBe('active');
    expect(await findSuppression(t.app.db, EMAIL)).toBeUndefined();
    // Their topics are as they left them.
    expect(Object.keys(await subs()).sort()).toEqual([
      'customs',
      'export-controls',
      'sanctions',
      'tariffs',
    ]);
  });

  it('works without JavaScript: the form saves, and no suggestion is shown', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    try {
      const noScript = await plain.newPage();
      await noScript.goto(url);
      expect(await noScript.getByRole('button', { name: /browser’s time zone/ }).count()).toBe(0);
      await noScript.getByRole('group', { name: 'Tariffs' }).getByLabel('Paused').uncheck();
      await noScript.getByRole('button', { name: 'Save' }).click();
      await noScript.waitForSelector('text=Your preferences are saved.');
      expect((await subs()).tariffs?.paused).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
