import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDashboardPlugin } from '../../src/http/queue-dashboard.plugin.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { buildTestHttpApp } from '../support/test-http.js';

const PASSWORD = 'correct horse battery staple';
const API_TOKEN = 'test-api-token-0123456789';
/** A short window, so that the test can see it pass. */
const LIMIT = { failures: 3, windowMs: 1500 };
const ATTACKER = '203.0.113.7';
const ADMIN = '198.51.100.4';

const basic = (password: string) =>
  `Basic ${Buffer.from(`admin:${password}`, 'utf8').toString('base64')}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('wrong passwords and tokens are limited per client address', { timeout: 60_000 }, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true, env: { API_TOKEN } });
  });
  afterAll(() => t.close());

  async function dashboard(loginLimit?: typeof LIMIT): Promise<FastifyInstance> {
    const app = Fastify();
    await app.register(queueDashboardPlugin, {
      password: PASSWORD,
      queues: Object.values(t.app.allQueues ?? {}),
      loginLimit,
    });
    await app.ready();
    return app;
  }

  it('/admin/queues: 429 with Retry-After past the limit, the right password in again after the window', async () => {
    const app = await dashboard(LIMIT);
    const login = (password: string | null, remoteAddress = ATTACKER) =>
      app.inject({
        method: 'GET',
        url: '/admin/queues',
        remoteAddress,
        headers: password === null ? {} : { authorization: basic(password) },
      });
    // A browser's first request carries no password: it is not a failure.
    for (let i = 0; i < 5; i++) expect((await login(null)).statusCode).toBe(401);
    for (let i = 0; i < LIMIT.failures; i++)
      expect((await login(`guess-${i}`)).statusCode).toBe(401);
    const limited = await login('guess-again');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(2);
    expect(limited.json().error).toMatch(/^too many wrong admin passwords: try again in \d+ s$/);
    // While it lasts the right password is refused too: a 200 would tell a guesser it won.
    expect((await login(PASSWORD)).statusCode).toBe(429);
    // Another address is not held up.
    expect((await login(PASSWORD, ADMIN)).statusCode).toBe(200);
    await pause(LIMIT.windowMs + 200);
    expect((await login(PASSWORD)).statusCode).toBe(200);
    // The right password counts nothing: it works on and on.
    for (let i = 0; i < LIMIT.failures + 2; i++)
      expect((await login(PASSWORD)).statusCode).toBe(200);
    await app.close();
  });

  it('300 wrong passwords get 10 answers of 401 at the default limit, the rest 429', async () => {
    const app = await dashboard();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const response = await app.inject({
        method: 'GET',
        url: '/admin/queues',
        remoteAddress: ATTACKER,
        headers: { authorization: basic(`guess-${i}`) },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(290);
    await app.close();
  });

  it('/api/*: 429 past the limit of wrong bearer tokens, the right token in again after the window', async () => {
    const http = await buildTestHttpApp(t.app, { apiTokenLimit: LIMIT });
    const trial = (token: string, remoteAddress = ATTACKER) =>
      http.inject({
        method: 'POST',
        url: '/api/trials',
        remoteAddress,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'pat@corp.example', days: 14 }),
      });
    for (let i = 0; i < LIMIT.failures; i++)
      expect((await trial(`nope-${i}`)).statusCode).toBe(401);
    const limited = await trial('nope-again');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json().error).toMatch(/^too many wrong bearer tokens \(API_TOKEN\)/);
    expect((await trial(API_TOKEN)).statusCode).toBe(429);
    expect((await trial(API_TOKEN, ADMIN)).statusCode).toBe(200);
    await pause(LIMIT.windowMs + 200);
    expect((await trial(API_TOKEN)).statusCode).toBe(200);
    await http.close();
  });
});
