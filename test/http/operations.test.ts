import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { pingDatabase } from '../../db/repositories/installation.repository.js';
import { type BullQueues, openBullQueues } from '../../jobs/bull-work-queue.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import type { HttpContext } from '../../src/http/http-context.js';
import { buildHttpApp, listeningPort } from '../../src/http/server.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** A port nothing listens on: taken for a moment, then let go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A database that was open and is closed: every query on it fails. */
async function closedDatabase() {
  const db = openDatabase({ kind: 'sqlite', file: ':memory:' });
  await pingDatabase(db);
  await db.destroy();
  return db;
}

async function serve(ctx: HttpContext): Promise<{ base: string; server: FastifyInstance }> {
  const server = await buildHttpApp(ctx);
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${listeningPort(server)}`, server };
}

async function timed(url: string): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

describe('operations endpoints', () => {
  let t: TestApp;
  let unreachable: BullQueues;
  const servers: FastifyInstance[] = [];

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true });
    // Real BullMQ queues pointed at a Redis that is not there.
    unreachable = openBullQueues(
      { host: '127.0.0.1', port: await closedPort(), maxRetriesPerRequest: null },
      t.settings,
      () => {},
    );
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await unreachable.close().catch(() => {});
    await t.close();
  });

  const contextWith = (queues: HttpContext['queues'], extra: Partial<HttpContext> = {}) => ({
    ...t.app,
    queue: new DirectWorkQueue(),
    queues,
    ...extra,
  });

  it('is ready when the database and Redis answer', async () => {
    const { base, server } = await serve(contextWith(t.app.bull!.inspector));
    servers.push(server);
    const ready = await timed(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({
      ok: true,
      database: { ok: true },
      redis: { ok: true },
    });
    const metrics = await timed(`${base}/metrics`);
    expect(metrics.text).toContain('bulletin_source_up{source="redis"} 1');
    expect(metrics.text).toMatch(/bulletin_queue_jobs\{queue="send",state="waiting"\} 0/);
  });

  it('answers within a second while Redis is away, saying what it could not read', async () => {
    const { base, server } = await serve(contextWith(unreachable.inspector));
    servers.push(server);
    const ready = await timed(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.text);
    expect(body.database).toEqual({ ok: true });
    expect(body.redis.ok).toBe(false);
    expect(ready.ms).toBeLessThan(1000);

    const metrics = await timed(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.ms).toBeLessThan(1000);
    expect(metrics.text).toContain('bulletin_source_up{source="redis"} 0');
    expect(metrics.text).toContain('bulletin_source_up{source="database"} 1');
    expect(metrics.text).not.toContain('bulletin_queue_jobs{');
  });

  it('answers liveness without touching the database', async () => {
    const closed = await closedDatabase();
    const { base, server } = await serve(contextWith(null, { db: closed }));
    servers.push(server);
    expect((await timed(`${base}/healthz`)).status).toBe(200);
    expect((await timed(`${base}/readyz`)).status).toBe(503);
  });

  it('never writes a personal link to the log when a request fails', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // A database that is gone makes the preferences page fail inside, where it logs.
    const closed = await closedDatabase();
    const { base, server } = await serve(
      contextWith(null, { db: closed, log: pino({ level: 'info' }, sink) }),
    );
    servers.push(server);
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      { kind: 'preferences', reader: 'kim@corp.example' },
      new Date(Date.now() + 86_400_000),
    );
    const failed = await fetch(`${base}/p/${token}`);
    expect(failed.status).toBe(500);
    const { requestId } = (await failed.json()) as { requestId: string };
    const logged = lines.join('');
    expect(logged).toContain('"event":"http.error"');
    // The answer names the request, and so does its log line.
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged).toContain(`"reqId":"${requestId}"`);
    expect(logged).toContain('"path":"/p/:token"');
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.slice(0, 24));
  });
});
