import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDashboardPlugin } from '../../src/http/queue-dashboard.plugin.js';
import { PAGE_CSP } from '../../src/http/responses.js';
import { buildHttpApp, listeningPort } from '../../src/http/server.js';
import { launchBrowser } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { httpContextOf } from '../support/test-http.js';

const PASSWORD = 'correct horse battery staple';
const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

/**
 * The queue dashboard sends the headers every page of the site does: a CSP that lets nothing
 * from elsewhere in and forbids framing, nosniff, no referrer. bull-board still renders under
 * it, in Chromium, with no CSP violation and nothing fetched from another origin.
 */
describe('the queue dashboard’s security headers', { timeout: 120_000 }, () => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true, env: { ADMIN_PASSWORD: PASSWORD } });
    server = await buildHttpApp(httpContextOf(t.app), {
      queueDashboard: async (scope) =>
        scope.register(queueDashboardPlugin, {
          password: PASSWORD,
          queues: Object.values(t.app.allQueues ?? {}),
        }),
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${listeningPort(server)}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('every answer under /admin/queues carries them, the login prompt included', async () => {
    const page = await fetch(`${base}/admin/queues`, { headers: { authorization } });
    const html = await page.text();
    const stylesheet = /href="(static\/css\/[^"]+)"/.exec(html)?.[1];
    for (const [path, headers] of [
      ['/admin/queues', { authorization }],
      ['/admin/queues', {}],
      ['/admin/queues/api/queues', { authorization }],
      [`/admin/queues/${stylesheet}`, { authorization }],
    ] as const) {
      const res = await fetch(`${base}${path}`, { headers });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    // The site's own pages are not loosened by the dashboard's policy.
    const other = await fetch(`${base}/u/not-a-token`, { headers: { accept: 'text/html' } });
    expect(other.headers.get('content-security-policy')).toBe(PAGE_CSP);
    // Nothing is loaded from another origin (bull-board links Google Fonts).
    expect(html).not.toContain('fonts.googleapis.com');
  });

  it('renders in Chromium with no CSP violation and no request to another origin', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: PASSWORD },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:'))
        elsewhere.push(request.url());
    });
    await page.goto(`${base}/admin/queues`);
    await page.getByText('ingest', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByText('send', { exact: true }).first().waitFor();
    // Open one queue: its page is drawn and asks the API again.
    await page.goto(`${base}/admin/queues/queue/ingest`);
    await page.waitForLoadState('networkidle');
    await context.close();
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
