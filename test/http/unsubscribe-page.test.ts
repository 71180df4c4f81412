import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/subscriber.repository.js';
import { signToken } from '../../src/domain/signed-token.js';
import { createHttpServer } from '../../src/http/server.js';
import { DirectWorkQueue } from '../../src/services/direct-work-queue.js';
import { saveReader } from '../../src/services/readers.service.js';
import { launchBrowser } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** A reader follows the unsubscribe link from an email in a real browser and clicks the button. */
describe('the unsubscribe page in a browser', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = createHttpServer({ ...t.app, queue: new DirectWorkQueue(), queues: null });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    await new Promise((resolve) => server.close(resolve));
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
