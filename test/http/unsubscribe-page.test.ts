import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { listSubscriptions } from '../../db/repositories/subscription.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { launchBrowser } from '../support/browser.js';
import { checkPage, findSeriousViolations } from '../support/page-checks.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startTestHttpServer } from '../support/test-http.js';

const EMAIL = 'lee@corp.example';

/**
 * A reader follows the unsubscribe link of a daily digest in a real browser: leaves the daily
 * digest, then everything, then comes back. The database is checked after each click, and each
 * page with axe-core.
 */
describe('the unsubscribe page in a browser', () => {
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = await startTestHttpServer(t.app);
    browser = await launchBrowser();
    page = await browser.newPage();
    await addTopic(t.app, { slug: 'customs', name: 'Customs rulings', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Russia sanctions', query: 'sanctions' });
    await saveReader(t.app, {
      email: EMAIL,
      name: 'Lee',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email: EMAIL, topic: 'customs', cadence: 'instant' });
    await subscribe(t.app, { email: EMAIL, topic: 'sanctions', cadence: 'daily' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  const paused = async () =>
    Object.fromEntries(
      (await listSubscriptions(t.app.db, EMAIL)).map((s) => [s.topicSlug, s.paused]),
    );

  it('asks first, leaves the daily digest, then everything, then resubscribes', async () => {
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      { kind: 'unsubscribe', reader: EMAIL, list: 'daily' },
      new Date(Date.now() + 86_400_000),
    );
    await page.goto(`${server.base}/u/${token}`);
    expect(await page.textContent('h1')).toBe('Unsubscribe');
    expect(await page.textContent('main')).toContain(`Stop the daily digest to ${EMAIL}?`);
    expect(await checkPage(page, 'unsubscribe-ask')).toEqual([]);
    expect(await paused()).toEqual({ customs: false, sanctions: false });

    await page.getByRole('button', { name: 'Unsubscribe from the daily digest' }).click();
    await page.waitForSelector(`text=${EMAIL} will get no more of the daily digest.`);
    expect(await paused()).toEqual({ customs: false, sanctions: true });
    expect((await findReaderByEmail(t.app.db, EMAIL))?.status).toBe('active');
    expect(await checkPage(page, 'unsubscribe-list-done')).toEqual([]);

    await page.getByRole('button', { name: 'Unsubscribe from all emails' }).click();
    await page.waitForSelector(`text=${EMAIL} will get no more emails from us.`);
    expect((await findReaderByEmail(t.app.db, EMAIL))?.status).toBe('unsubscribed');
    expect(await findSuppression(t.app.db, EMAIL)).toMatchObject({ reason: 'unsubscribed' });

    // Coming back to the link later: the page says where things stand and offers a way back.
    await page.goto(`${server.base}/u/${token}`);
    expect(await page.textContent('main')).toContain(`${EMAIL} is unsubscribed from all emails.`);
    expect(await checkPage(page, 'unsubscribe-unsubscribed')).toEqual([]);
    await page.getByRole('button', { name: 'Resubscribe' }).click();
    await page.waitForSelector('text=You are subscribed again');
    expect((await findReaderByEmail(t.app.db, EMAIL))?.status).toBe('active');
    expect(await findSuppression(t.app.db, EMAIL)).toBeUndefined();
    expect(await checkPage(page, 'unsubscribe-resubscribed')).toEqual([]);

    // The preferences link on the page opens the reader's preferences.
    await page.getByRole('link', { name: /preferences page/ }).click();
    expect(await page.textContent('h1')).toBe('Your email preferences');
  });

  it('has an accessibility check that finds what it should', async () => {
    // The same check the pages pass, on markup that breaks the rules: it must speak up.
    await page.setContent('<html><body><input type="text"><img src="/x.png"></body></html>');
    const found = (await findSeriousViolations(page)).map((v) => v.id);
    expect(found).toEqual(expect.arrayContaining(['image-alt', 'label']));
  });

  it('shows an error page in the theme for a link that is not valid, and a 404 page', async () => {
    const response = await page.goto(`${server.base}/u/not-a-token`);
    expect(response?.status()).toBe(400);
    expect(await page.textContent('main')).toContain('This link has expired or is not valid');
    expect(await checkPage(page, 'error-invalid-link')).toEqual([]);
    const missing = await page.goto(`${server.base}/no/such/page`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    expect(await checkPage(page, 'error-not-found')).toEqual([]);
    await page.goto(`${server.base}/trial`);
    expect(await page.textContent('h1')).toBe('Start your free trial');
    expect(await checkPage(page, 'trial-placeholder')).toEqual([]);
  });
});
