import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStories } from '../../db/repositories/story.repository.js';
import { buildHttpApp } from '../../src/http/server.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { buildTestHttpApp, httpContextOf } from '../support/test-http.js';

const API_TOKEN = 'test-api-token-0123456789';
const auth = { authorization: `Bearer ${API_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

function story(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    url: `https://brief.example/${id}`,
    headline: `Customs story ${id}`,
    publishedAt: '2026-11-28T08:00:00Z',
    ...extra,
  };
}

describe.each(DIALECTS)('the API (%s)', (dialect) => {
  let t: TestApp;
  let http: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp(dialect, { env: { API_TOKEN, INGEST_BODY_LIMIT: '4kb' } });
    http = await buildTestHttpApp(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  const stored = async () => (await listStories(t.app.db)).map((s) => s.externalId).sort();

  it('refuses the webhook without the bearer token, or with another one', async () => {
    for (const headers of [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', authorization: 'Bearer nope' },
      { 'content-type': 'application/json', authorization: `Basic ${API_TOKEN}` },
      { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}x` },
    ]) {
      const res = await http.inject({
        method: 'POST',
        url: '/api/stories',
        headers,
        payload: JSON.stringify(story('denied')),
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect(await stored()).not.toContain('denied');
  });

  it('takes one story, answering 202 with its id', async () => {
    const res = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: json,
      payload: JSON.stringify(story('one')),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: ['one'], created: 1, rejected: [] });
    expect(await stored()).toContain('one');
  });

  it('takes JSON Lines, and keeps the good stories of a batch with a bad one (400)', async () => {
    const lines = [
      JSON.stringify(story('nd-1')),
      JSON.stringify(story('nd-2', { url: 'ftp://x' })),
      JSON.stringify(story('nd-3')),
    ].join('\n');
    const res = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: lines,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.accepted).toEqual(['nd-1', 'nd-3']);
    expect(body.rejected).toEqual([
      {
        position: 'line 2',
        error: expect.stringMatching(/^url:/),
        errors: [{ field: 'url', message: expect.any(String) }],
      },
    ]);
    expect(await stored()).toEqual(expect.arrayContaining(['nd-1', 'nd-3']));
    expect(await stored()).not.toContain('nd-2');
  });

  it('takes an array, naming each bad item', async () => {
    const res = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: json,
      payload: JSON.stringify([story('arr-1'), { id: 'arr-2' }]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ accepted: ['arr-1'], rejected: [{ position: 'item 2' }] });
  });

  it('answers 400 for an empty body or broken JSON', async () => {
    const empty = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: json,
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    const broken = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: json,
      payload: '[{"id": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().rejected[0].error).toMatch(/not valid JSON/);
  });

  it('answers 413 over INGEST_BODY_LIMIT and stores nothing of it', async () => {
    const big = JSON.stringify(story('too-big', { body: 'x'.repeat(5000) }));
    const res = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: json,
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatch(/too large/);
    expect(await stored()).not.toContain('too-big');
  });

  it('answers 415 for another content type, and 405 with Allow for another method', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const res = await http.inject({
        method: 'POST',
        url: '/api/stories',
        headers: { ...auth, 'content-type': type },
        payload: JSON.stringify(story('typed')),
      });
      expect(res.statusCode, type).toBe(415);
    }
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const res = await http.inject({ method, url: '/api/stories', headers: auth });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
    expect(await stored()).not.toContain('typed');
  });

  it('answers JSON on /api even to a browser, and an HTML 404 page elsewhere', async () => {
    const api = await http.inject({
      method: 'GET',
      url: '/api/nothing',
      headers: { accept: 'text/html' },
    });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    const page = await http.inject({
      method: 'GET',
      url: '/nothing',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<h1>Page not found</h1>');
  });

  describe('POST /api/trials', () => {
    const clickRef = async (email: string) => {
      const token = await signLinkFor(
        t.app.db,
        t.app.secretKey,
        { kind: 'trial', reader: email, story: 'one', source: { campaign: 3 } },
        new Date(Date.now() + 86_400_000),
      );
      const res = await http.inject({ method: 'GET', url: `/t/${token}` });
      return new URL(res.headers.location as string).searchParams.get('ref') as string;
    };
    const post = (body: unknown, headers: Record<string, string> = json) =>
      http.inject({ method: 'POST', url: '/api/trials', headers, payload: JSON.stringify(body) });

    it('starts a trial and credits the click its ref names, once', async () => {
      const ref = await clickRef('pat@corp.example');
      const res = await post({ email: 'Pat@Corp.example', days: 30, ref });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        email: 'pat@corp.example',
        plan: 'trial',
        attribution: 'credited',
      });
      const clicks = await t.app.db
        .selectFrom('trial_clicks')
        .selectAll()
        .where('email', '=', 'pat@corp.example')
        .execute();
      expect(clicks).toHaveLength(1);
      expect(clicks[0]?.trial_started_at).not.toBeNull();
      expect(clicks[0]?.campaign_id).toBe(3);
      expect((await post({ email: 'pat@corp.example', ref })).json().attribution).toBe(
        'already-credited',
      );
    });

    it('starts the trial but credits nothing for a ref that is not ours', async () => {
      const ref = await clickRef('quin@corp.example');
      const forged = `${ref.slice(0, -2)}${ref.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const bad of [forged, 'c1-AAAAAAAAAAAAAAAA', 'anything']) {
        const res = await post({ email: 'quin@corp.example', ref: bad });
        expect(res.statusCode).toBe(200);
        expect(res.json().attribution).toBe('unknown-ref');
      }
      const clicks = await t.app.db
        .selectFrom('trial_clicks')
        .selectAll()
        .where('email', '=', 'quin@corp.example')
        .execute();
      expect(clicks[0]?.trial_started_at).toBeNull();
    });

    it('refuses a bad body (400), another content type (415) and no token (401)', async () => {
      expect((await post({ email: 'not-an-address' })).statusCode).toBe(400);
      expect((await post({ email: 'r@corp.example', days: 0 })).statusCode).toBe(400);
      expect((await post({ days: 14 })).statusCode).toBe(400);
      const broken = await http.inject({
        method: 'POST',
        url: '/api/trials',
        headers: json,
        payload: '{"email":',
      });
      expect(broken.statusCode).toBe(400);
      expect(
        (await post({ email: 'r@corp.example' }, { ...auth, 'content-type': 'text/plain' }))
          .statusCode,
      ).toBe(415);
      expect(
        (await post({ email: 'r@corp.example' }, { 'content-type': 'application/json' }))
          .statusCode,
      ).toBe(401);
      const readers = await t.app.db
        .selectFrom('subscribers')
        .select('email')
        .where('email', '=', 'r@corp.example')
        .execute();
      expect(readers).toEqual([]);
    });
  });
});

describe('the API without API_TOKEN', () => {
  it('is off: 404 saying how to turn it on', async () => {
    const t = await createTestApp('sqlite');
    const http = await buildTestHttpApp(t.app);
    try {
      const res = await http.inject({
        method: 'POST',
        url: '/api/stories',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(story('off')),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatch(/API_TOKEN/);
    } finally {
      await http.close();
      await t.close();
    }
  });
});

describe('the web server itself', () => {
  it('answers HEAD on GET routes, 405 with Allow elsewhere, and cuts slow clients off', async () => {
    const t = await createTestApp('sqlite');
    const http = await buildTestHttpApp(t.app);
    try {
      for (const url of ['/healthz', '/trial', '/assets/site.css', '/assets/zone-hint.js']) {
        const head = await http.inject({ method: 'HEAD', url });
        expect(head.statusCode, url).toBe(200);
        expect(head.body, url).toBe('');
      }
      const post = await http.inject({ method: 'POST', url: '/healthz' });
      expect(post.statusCode).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      // Set, not Node's defaults (60 s for headers, 300 s for a request).
      expect(http.server.headersTimeout).toBe(10_000);
      expect(http.server.requestTimeout).toBe(30_000);
      expect(http.server.keepAliveTimeout).toBe(5_000);
    } finally {
      await http.close();
      await t.close();
    }
  });
});

describe('the places the operations parts plug into', () => {
  it('mount the queue dashboard only with ADMIN_PASSWORD, and serve the metrics registry', async () => {
    // The dashboard plugin mounts itself at /admin/queues (see queue-dashboard.plugin.test.ts).
    const dashboard = async (scope: FastifyInstance) => {
      scope.get('/admin/queues', async () => ({ dashboard: true }));
      scope.post('/admin/queues/retry', async (request) => ({ got: request.body }));
    };
    const withPassword = await createTestApp('sqlite', { env: { ADMIN_PASSWORD: 'secret-pass' } });
    const without = await createTestApp('sqlite');
    const on = await buildHttpApp(httpContextOf(withPassword.app), { queueDashboard: dashboard });
    const off = await buildHttpApp(httpContextOf(without.app), { queueDashboard: dashboard });
    try {
      expect((await on.inject({ method: 'GET', url: '/admin/queues' })).json()).toEqual({
        dashboard: true,
      });
      const retry = await on.inject({
        method: 'POST',
        url: '/admin/queues/retry',
        headers: { 'content-type': 'application/json' },
        payload: '{"queue":"send"}',
      });
      expect(retry.json()).toEqual({ got: { queue: 'send' } });
      expect((await off.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(404);
      const metrics = await off.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('bulletin_deliveries');
      expect(metrics.body).toContain('bulletin_stories_ingested_total');
      expect((await off.inject({ method: 'POST', url: '/metrics' })).headers.allow).toBe(
        'GET, HEAD',
      );
    } finally {
      await on.close();
      await off.close();
      await withPassword.close();
      await without.close();
    }
  });
});
