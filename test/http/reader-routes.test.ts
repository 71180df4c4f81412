import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import { signToken } from '../../src/domain/signed-token.js';
import { saveReader } from '../../src/services/readers.service.js';
import { subscribe } from '../../src/services/subscriptions.service.js';
import { addTopic } from '../../src/services/topics.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { startTestHttpServer } from '../support/test-http.js';

const API_TOKEN = 'test-api-token-0123456789';

describe.each(DIALECTS)('HTTP routes (%s)', (dialect) => {
  let t: TestApp;
  let server: { base: string; close: () => Promise<void> };
  let base: string;
  const inAYear = new Date(Date.now() + 365 * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      env: { API_TOKEN, TRIAL_URL: 'https://publisher.example/trial' },
    });
    server = await startTestHttpServer(t.app);
    base = server.base;
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await saveReader(t.app, {
      email: 'kim@corp.example',
      name: 'Kim',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: true,
    });
    await subscribe(t.app, { email: 'kim@corp.example', topic: 'customs', cadence: 'daily' });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('answers health checks and metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('# TYPE bulletin_deliveries gauge');
  });

  it('takes stories on the webhook only with the bearer token, keeping good ones from a bad batch', async () => {
    const story = {
      id: 'w-1',
      url: 'https://brief.example/w-1',
      headline: 'Customs data hub',
      publishedAt: '2026-11-28T08:00:00Z',
    };
    const denied = await fetch(`${base}/api/stories`, {
      method: 'POST',
      body: JSON.stringify(story),
    });
    expect(denied.status).toBe(401);
    const wrong = await fetch(`${base}/api/stories`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: JSON.stringify(story),
    });
    expect(wrong.status).toBe(401);

    const batch = [
      story,
      { id: 'w-2', url: 'ftp://x', headline: 'Bad', publishedAt: '2026-11-28T08:00:00Z' },
    ];
    const res = await fetch(`${base}/api/stories`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(400);
    const report = (await res.json()) as { rejected: { error: string }[] };
    expect(report).toMatchObject({ created: 1, rejected: [{ position: 'item 2' }] });
    expect(report.rejected[0]?.error).toMatch(/^url:/);
  });

  it('unsubscribes in one click (RFC 8058 POST), and only shows a button on GET', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'unsubscribe', reader: 'kim@corp.example' },
      inAYear,
    );
    const page = await fetch(`${base}/u/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect((await findReaderByEmail(t.app.db, 'kim@corp.example'))?.status).toBe('active');

    const oneClick = await fetch(`${base}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await findReaderByEmail(t.app.db, 'kim@corp.example'))?.status).toBe('unsubscribed');
    expect(await findSuppression(t.app.db, 'kim@corp.example')).toMatchObject({
      reason: 'unsubscribed',
    });
  });

  it('refuses a tampered, expired or wrong-kind token', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'unsubscribe', reader: 'kim@corp.example' },
      inAYear,
    );
    const tampered = `${token.slice(0, -2)}xx`;
    const expired = signToken(
      t.app.secretKey,
      { kind: 'unsubscribe', reader: 'kim@corp.example' },
      new Date(Date.now() - 1000),
    );
    const preferences = signToken(
      t.app.secretKey,
      { kind: 'preferences', reader: 'kim@corp.example' },
      inAYear,
    );
    for (const bad of [tampered, expired, preferences]) {
      expect((await fetch(`${base}/u/${bad}`, { method: 'POST' })).status).toBe(400);
    }
  });

  it('records a trial-link click and redirects to the trial page', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'trial', reader: 'kim@corp.example', story: 'w-1', source: { digest: 7 } },
      inAYear,
    );
    const res = await fetch(`${base}/t/${token}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://publisher.example/trial');
    expect(location.searchParams.get('story')).toBe('w-1');
    const clicks = await t.app.db.selectFrom('trial_clicks').selectAll().execute();
    expect(clicks).toEqual([
      expect.objectContaining({
        email: 'kim@corp.example',
        story_external_id: 'w-1',
        digest_id: 7,
      }),
    ]);
  });

  it('shows the preferences page for a preferences token', async () => {
    const token = signToken(
      t.app.secretKey,
      { kind: 'preferences', reader: 'kim@corp.example' },
      inAYear,
    );
    const html = await (await fetch(`${base}/p/${token}`)).text();
    expect(html).toContain('customs');
    expect(html).toContain('<option value="daily" selected>Daily digest</option>');
  });
});
