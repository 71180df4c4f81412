import type { Server } from 'node:http';
import { DirectWorkQueue, type DrainReport } from '../jobs/direct-work-queue.js';
import { upsertTickScheduler } from '../jobs/scheduler.js';
import { type RunningWorkers, startWorkers } from '../jobs/workers.js';
import { type App, sendContextOf } from './app.js';
import { displayPath } from './config/display-path.js';
import type { Cadence } from './domain/subscription.js';
import { startHttpServer } from './http/server.js';
import { RuleCatalog } from './services/rule-catalog.js';
import { runScheduleTick, type TickReport } from './services/schedule-tick.service.js';

export interface ProcessParts {
  workers: boolean;
  scheduler: boolean;
  web: boolean;
}

/**
 * Runs the long-lived parts of Bulletin in this process until SIGTERM or SIGINT, then shuts
 * down in two phases: stop taking jobs and requests, let running jobs finish, then close
 * Redis and the database. A second signal exits at once.
 */
export async function runProcess(app: App, parts: ProcessParts): Promise<number> {
  const { settings, log } = app;
  if (!app.bull || !app.redis) throw new Error('runProcess needs Redis and the queues');
  for (const variable of settings.placeholders) {
    log.warn(
      { event: 'settings.placeholder', variable },
      `${variable} is a placeholder; set it before sending real mail`,
    );
  }
  const ctx = { ...sendContextOf(app), queue: app.bull.workQueue };
  let workers: RunningWorkers | null = null;
  let server: Server | null = null;
  if (parts.workers) {
    const catalog = new RuleCatalog(app.db, log);
    await catalog.refresh();
    workers = startWorkers(app.redis.bullConnection, ctx, catalog, log);
  }
  if (parts.scheduler) await upsertTickScheduler(app.bull.queues.schedule);
  if (parts.web)
    server = await startHttpServer({ ...ctx, queues: app.bull.inspector }, settings.port);

  process.stderr.write(describeRunning(app, parts, server));

  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log.info({ event: 'process.stopping', signal });
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  if (server) {
    // Requests in flight finish; idle keep-alive connections must not hold the close open.
    const closing = server;
    const closed = new Promise((resolve) => closing.close(resolve));
    closing.closeIdleConnections();
    await closed;
  }
  await workers?.close();
  log.info({ event: 'process.stopped' });
  return 0;
}

/** The start-up message: what runs, where it listens, where mail goes, what it stores in. */
function describeRunning(app: App, parts: ProcessParts, server: Server | null): string {
  const running = Object.entries(parts)
    .filter(([, on]) => on)
    .map(([part]) => part);
  const port = server ? (server.address() as { port: number }).port : null;
  const { database } = app.settings;
  const lines = [
    `Bulletin is running (${running.join(', ')}).`,
    port === null ? null : `  web:      http://localhost:${port}`,
    `  mail:     ${app.transport?.describe()}`,
    `  database: ${database.kind === 'sqlite' ? displayPath(database.file) : describePostgres(database.url)}`,
    `  redis:    ${app.redis?.description}`,
    'Press Ctrl-C to stop.',
  ];
  return `${lines.filter((line) => line !== null).join('\n')}\n`;
}

/** `postgresql host:5432/bulletin`, without credentials. */
function describePostgres(url: string): string {
  const parsed = new URL(url);
  return `postgresql ${parsed.host}${parsed.pathname}`;
}

/**
 * `bulletin digests run`: one tick at the app's clock, then every piece of work it hands on,
 * in this process and without Redis, until none is left.
 */
export async function runDueWorkOnce(
  app: App,
  options: { cadence?: Cadence } = {},
): Promise<{ tick: TickReport; drain: DrainReport }> {
  const queue = new DirectWorkQueue();
  const ctx = { ...sendContextOf(app), queue };
  const tick = await runScheduleTick(ctx, {
    ...(options.cadence ? { cadence: options.cadence } : {}),
    pendingAlertsBefore: app.now(),
  });
  return { tick, drain: await queue.drain(ctx, new RuleCatalog(app.db, app.log)) };
}
