import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsPlugin } from '../../src/http/metrics.plugin.js';
import { queueDashboardPlugin } from '../../src/http/queue-dashboard.plugin.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const PASSWORD = 'correct horse battery staple';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

async function dashboard(t: TestApp, password: string | null): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(queueDashboardPlugin, {
    password,
    queues: Object.values(t.app.allQueues!),
  });
  await app.ready();
  return app;
}

describe('the queue dashboard at /admin/queues', () => {
  let t: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true });
    app = await dashboard(t, PASSWORD);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('asks for the password: 401 with a basic challenge, without or with a wrong one', async () => {
    const attempts: (string | undefined)[] = [
      undefined,
      basic('admin', 'wrong password'),
      basic('admin', `${PASSWORD} `),
      basic('admin', PASSWORD.slice(0, -1)),
      `Bearer ${PASSWORD}`,
      'Basic not-base64!',
      `Basic ${Buffer.from(PASSWORD).toString('base64')}`,
    ];
    for (const authorization of attempts) {
      const response = await app.inject({
        method: 'GET',
        url: '/admin/queues',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.headers['www-authenticate']).toBe(
        'Basic realm="Bulletin queues", charset="UTF-8"',
      );
      expect(response.body).not.toContain(PASSWORD);
    }
  });

  it('shows the dashboard with the right password, whatever the user name', async () => {
    for (const user of ['admin', 'ops', '']) {
      const response = await app.inject({
        method: 'GET',
        url: '/admin/queues',
        headers: { authorization: basic(user, PASSWORD) },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('Bulletin queues');
    }
  });

  it("guards the dashboard's API and assets too, and lists the installation's queues", async () => {
    const api = (authorization?: string) =>
      app.inject({
        method: 'GET',
        url: '/admin/queues/api/queues',
        headers: authorization ? { authorization } : {},
      });
    expect((await api()).statusCode).toBe(401);
    const listed = await api(basic('admin', PASSWORD));
    expect(listed.statusCode).toBe(200);
    const names = (JSON.parse(listed.body).queues as { name: string }[]).map((q) => q.name);
    expect(names.sort()).toEqual(['campaign', 'digest', 'feeds', 'ingest', 'schedule', 'send']);

    const page = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic('admin', PASSWORD) },
    });
    // Asset links are relative to `<base href="/admin/queues/">`.
    const stylesheet = /href="(static\/css\/[^"]+)"/.exec(page.body)?.[1];
    expect(stylesheet).toBeDefined();
    const asset = `/admin/queues/${stylesheet}`;
    expect((await app.inject({ method: 'GET', url: asset })).statusCode).toBe(401);
    const served = await app.inject({
      method: 'GET',
      url: asset,
      headers: { authorization: basic('admin', PASSWORD) },
    });
    expect(served.statusCode).toBe(200);
  });

  it('asks for the password on its own routes only, beside the other plugins of a server', async () => {
    const server = Fastify();
    await server.register(queueDashboardPlugin, {
      password: PASSWORD,
      queues: Object.values(t.app.bull!.queues),
    });
    await server.register(metricsPlugin, { ctx: t.app, queues: t.app.bull!.inspector });
    server.get('/healthz', async () => ({ ok: true }));
    await server.ready();
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    await server.close();
  });

  it('logs a wrong password as an event, never the password tried', async () => {
    const lines: string[] = [];
    const server = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    await server.register(queueDashboardPlugin, { password: PASSWORD, queues: [] });
    await server.ready();
    await server.inject({ method: 'GET', url: '/admin/queues' });
    expect(lines.join('')).not.toContain('admin.login_refused');
    const tried = 'hunter2-guess';
    await server.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic('admin', tried) },
    });
    const logged = lines.join('');
    expect(logged).toContain('"event":"admin.login_refused"');
    expect(logged).not.toContain(tried);
    expect(logged).not.toContain(Buffer.from(`admin:${tried}`).toString('base64'));
    await server.close();
  });

  it('is not there at all when ADMIN_PASSWORD is unset', async () => {
    const off = await dashboard(t, null);
    const response = await off.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic('admin', '') },
    });
    expect(response.statusCode).toBe(404);
    await off.close();
  });
});
