import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { signToken } from '../../src/domain/signed-token.js';
import { saveReader } from '../../src/services/readers.service.js';
import { launchBrowser } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startTestHttpServer } from '../support/test-http.js';

/** A reader follows the unsubscribe link from an email in a real browser and clicks the button. */
describe('the unsubscribe page in a browser', () => {
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = await startTestHttpServer(t.app);
    base = server.base;
    browser = await launchBrowser();
    await saveReader(t.app, {
      email: 'lee@corp.example',
      name: 'Lee',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
    await t.close();
  });

  it('asks first, then unsubscribes on the click', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'unsubscribe', reader: 'lee@corp.example' },
      new Date(Date.now() + 86_400_000),
    );
    const page = await browser.newPage();
    await page.goto(`${base}/u/${token}`);
    expect(await page.textContent('h1')).toBe('Unsubscribe');
    expect(await page.textContent('body')).toContain('Stop all emails to lee@corp.example?');
    expect((await findReaderByEmail(t.app.db, 'lee@corp.example'))?.status).toBe('active');

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.waitForSelector('text=You are unsubscribed');
    expect(await page.textContent('body')).toContain(
      'lee@corp.example will get no more emails from us.',
    );
    expect((await findReaderByEmail(t.app.db, 'lee@corp.example'))?.status).toBe('unsubscribed');
  });
});
