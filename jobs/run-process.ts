import type { Server } from 'node:http';
import type { App } from '../src/app.js';
import { displayPath } from '../src/config/display-path.js';
import { startHttpServer } from '../src/http/server.js';
import { RuleCatalog } from '../src/services/rule-catalog.js';
import { upsertTickScheduler } from './scheduler.js';
import { type RunningWorkers, startWorkers } from './workers.js';

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
  if (!app.bull || !app.redis || !app.transport)
    throw new Error('runProcess needs Redis and the mail transport');
  for (const variable of settings.placeholders) {
    log.warn(
      { event: 'settings.placeholder', variable },
      `${variable} is a placeholder; set it before sending real mail`,
    );
  }
  const ctx = { ...app, queue: app.bull.workQueue, transport: app.transport };
  let workers: RunningWorkers | null = null;
  let server: Server | null = null;
  if (parts.workers) {
    const catalog = new RuleCatalog(app.db, log);
    await catalog.refresh();
    workers = startWorkers(app.redis.bullConnection, ctx, catalog, log);
  }
  if (parts.scheduler) await upsertTickScheduler(app.bull.queues.schedule);
  if (parts.web) server = await startHttpServer({ ...ctx, queues: app.bull.queues }, settings.port);

  const where = server ? `http://localhost:${(server.address() as { port: number }).port}` : null;
  const mail = app.transport.describe();
  process.stderr.write(
    `${[
      `Bulletin is running (${Object.entries(parts)
        .filter(([, on]) => on)
        .map(([part]) => part)
        .join(', ')}).`,
      where ? `  web:      ${where}` : null,
      `  mail:     ${mail}`,
      `  database: ${settings.database.kind === 'sqlite' ? displayPath(settings.database.file) : 'postgresql'}`,
      `  redis:    ${app.redis.description}`,
      'Press Ctrl-C to stop.',
    ]
      .filter(Boolean)
      .join('\n')}\n`,
  );

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
    const closing = server;
    await new Promise((resolve) => closing.close(resolve));
    closing.closeAllConnections();
  }
  await workers?.close();
  log.info({ event: 'process.stopped' });
  return 0;
}
