import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { signLinkFor, type TestLinkPayload } from '../support/reader-tokens.js';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const API_TOKEN = 'test-api-token-0123456789';
const EMAIL = 'quinn.private@corp.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' };

/**
 * Logs are kept for long and read by many: a reader is named in them by id. The JSON log of a
 * server and of a CLI command, at `info`, after everything a reader does: no address in it.
 */
describe('info logs name readers by id, not address', { timeout: 120_000 }, () => {
  let t: TestApp;
  let readerId: number;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true });
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    const { reader } = await saveReader(t.app, {
      email: EMAIL,
      name: 'Quinn',
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: true,
    });
    readerId = reader.id;
    await subscribe(t.app, { email: EMAIL, topic: 'customs', cadence: 'daily' });
  });
  afterAll(() => t.close());

  const sign = (payload: TestLinkPayload) =>
    signLinkFor(t.app.db, t.app.secretKey, payload, new Date(Date.now() + 86_400_000));

  it('a server: unsubscribe, resubscribe, preferences, a trial', async () => {
    const env = { ...t.env, PORT: '0', LOG_LEVEL: 'info', API_TOKEN };
    const server = await startBulletin(['serve'], env);
    try {
      const base = server.webUrl as string;
      const post = async (path: string, body: string, headers: Record<string, string> = FORM) => {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
        expect(res.status, `${path}: ${await res.text()}`).toBe(200);
      };
      const unsubscribe = await sign({ kind: 'unsubscribe', reader: EMAIL, list: 'all' });
      await post(`/u/${unsubscribe}`, 'List-Unsubscribe=One-Click', {});
      await post(`/u/${unsubscribe}`, 'action=resubscribe', {
        ...FORM,
        'sec-fetch-site': 'same-origin',
      });
      const preferences = await sign({ kind: 'preferences', reader: EMAIL });
      await post(`/p/${preferences}`, 'tz=Europe%2FBerlin', {
        ...FORM,
        'sec-fetch-site': 'same-origin',
      });
      await post(`/api/trials`, JSON.stringify({ email: EMAIL, days: 14 }), {
        authorization: `Bearer ${API_TOKEN}`,
        'content-type': 'application/json',
      });
    } finally {
      await stopBulletin(server.child);
    }
    const log = server.output();
    for (const event of [
      'reader.unsubscribed',
      'reader.resubscribed',
      'reader.preferences',
      'trial.started',
    ])
      expect(log).toContain(`"event":"${event}","reader":${readerId}`);
    expect(log).not.toContain(EMAIL);
  });

  it('a CLI command: trials start', async () => {
    const run = await runCli(['trials', 'start', EMAIL], { ...t.env, LOG_LEVEL: 'info' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`"event":"trial.started","reader":${readerId}`);
    expect(run.stderr).not.toContain(EMAIL);
  });
});
