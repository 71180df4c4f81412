import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { DirectWorkQueue, type DrainReport } from '../jobs/direct-work-queue.js';
import { ensureFeedSchedulers } from '../jobs/feed-scheduler.js';
import { type Housekeeping, openHousekeeping } from '../jobs/housekeeping.js';
import { bullPrefix } from '../jobs/queue-names.js';
import { ensureTickScheduler, upsertTickScheduler } from '../jobs/scheduler.js';
import { type RunningWorkers, startWorkers } from '../jobs/workers.js';
import { probeSmtpServer } from './adapters/mail/smtp-probe.js';
import type { BounceSmtpServer } from './adapters/mail-in/bounce-smtp-server.js';
import { startProcessMetrics } from './adapters/metrics.js';
import { bindQueuePrefix, QueuePrefixTakenError } from './adapters/queue-owner.js';
import { watchRedis } from './adapters/redis.js';
import { type App, describeBounceDoors, sendContextOf, startBounceListener } from './app.js';
import { displayPath } from './config/display-path.js';
import { SettingsError } from './config/settings-error.js';
import type { Cadence } from './domain/subscription.js';
import { type MetricsServer, startMetricsServer } from './http/metrics-server.js';
import { queueDashboardPlugin } from './http/queue-dashboard.plugin.js';
import { listeningPort, startHttpServer } from './http/server.js';
import {
  handOnWaitingWork,
  runScheduleTick,
  type TickReport,
  type WaitingWork,
} from './services/digests/index.js';
import { type MailServerWatch, watchMailServer } from './services/sending/index.js';
import { RuleCatalog } from './services/topics/index.js';

export interface ProcessParts {
  workers: boolean;
  scheduler: boolean;
  web: boolean;
  /** The receiving SMTP server for bounces, when BOUNCE_SMTP_PORT is set (`start`). */
  bounceListener?: boolean;
}

/** Re-declares what Redis must hold this often, beside each reconnection. */
const REDECLARE_EVERY_MS = 30_000;
/** How long the drain after a fatal fault may take before the process exits anyway. */
const FATAL_EXIT_GRACE_MS = 15_000;
/** How long the start-up message waits for the mail server's first answer to show it. */
const BANNER_WAITS_FOR_MAIL_MS = 1000;

type Stop = { signal: string } | { fatal: Error };

/**
 * Runs the long-lived parts of Bulletin in this process until SIGTERM or SIGINT, then shuts
 * down in two phases: stop taking jobs and requests, let running jobs finish, then close
 * Redis and the database. A second signal exits at once.
 *
 * It starts in an order that cannot lose work: first what may fail for reasons outside (the
 * web port), then the workers, which take jobs. If a part fails to start, the parts already
 * started are stopped and the error is thrown: the caller closes the app and exits 1. A fault
 * that cannot be recovered from later (another installation took the queues, an uncaught
 * exception) stops the process the same way, with exit status 1.
 */
export async function runProcess(app: App, parts: ProcessParts): Promise<number> {
  const { settings, log } = app;
  if (!app.bull || !app.redis) throw new Error('runProcess needs Redis and the queues');
  const bull = app.bull;
  for (const variable of settings.placeholders) {
    log.warn(
      { event: 'settings.placeholder', variable },
      `${variable} is a placeholder; set it before sending real mail`,
    );
  }
  const ctx = { ...sendContextOf(app), queue: bull.workQueue };
  // A process that sends asks its mail server at once, beside the rest of the start.
  const smtpUrl = settings.smtpUrl;
  const mailServer: MailServerWatch | null =
    parts.workers && smtpUrl
      ? watchMailServer({ smtpUrl, probe: () => probeSmtpServer(smtpUrl), log })
      : null;
  const stopping = waitForStop(log);
  let server: FastifyInstance | null = null;
  let metricsServer: MetricsServer | null = null;
  let workers: RunningWorkers | null = null;
  let unwatch: (() => void) | null = null;
  let bounceListener: BounceSmtpServer | null = null;
  // The bounce mailbox's poll and the daily prune: a scheduler schedules them, a worker runs them.
  const housekeeping = openHousekeeping(app.redis.bullConnection, settings, app, log, parts);
  // Requests and incoming mail stop first, then running jobs finish, then the Redis watch goes.
  const stopParts = async () => {
    if (server) await server.close().catch((error) => logStopFailure(log, error));
    await bounceListener?.close().catch((error) => logStopFailure(log, error));
    await metricsServer?.close().catch((error) => logStopFailure(log, error));
    await workers?.close().catch((error) => logStopFailure(log, error));
    await housekeeping?.close().catch((error) => logStopFailure(log, error));
    unwatch?.();
    mailServer?.stop();
  };
  startProcessMetrics();
  try {
    if (parts.web)
      server = await startHttpServer(
        { ...ctx, verificationKeys: app.verificationKeys, queues: bull.inspector, mailServer },
        settings.port,
        {
          queueDashboard: async (scope) =>
            scope.register(queueDashboardPlugin, {
              password: settings.adminPassword,
              queues: Object.values(app.allQueues ?? bull.queues),
            }),
        },
      );
    // The web server has its own /metrics; a process without one serves them on METRICS_PORT.
    else if (settings.metricsPort !== null)
      metricsServer = await startMetricsServer({
        ctx,
        queues: bull.inspector,
        port: settings.metricsPort,
      });
    if (parts.bounceListener) bounceListener = await startBounceListener(app);
    unwatch = keepRedisDeclared(app, parts, housekeeping, stopping.fail);
    if (parts.scheduler) await upsertTickScheduler(bull.queues.schedule);
    if (parts.scheduler) await housekeeping?.ensureSchedule();
    if (parts.workers) {
      const catalog = new RuleCatalog(app.db, log);
      await catalog.refresh();
      workers = startWorkers(
        app.redis.bullConnection,
        ctx,
        catalog,
        log,
        app.campaigns ?? undefined,
      );
    }
    if (parts.workers) await housekeeping?.startWorker();
  } catch (error) {
    stopping.dispose();
    await stopParts();
    throw error;
  }

  // A refused connection is known by now; a server that lets connections hang is not waited
  // for: its warning follows in the log.
  const mail = mailServer
    ? await Promise.race([
        mailServer.firstCheck,
        new Promise<null>((resolve) => setTimeout(resolve, BANNER_WAITS_FOR_MAIL_MS, null)),
      ])
    : null;
  // On stdout: the log (stderr) stays one JSON object a line.
  process.stdout.write(
    describeRunning(app, parts, server, metricsServer, mail?.error, bounceListener?.port),
  );
  const stop = await stopping.promise;
  if ('fatal' in stop) {
    log.error({ event: 'process.fatal', error: stop.fatal.message });
    process.stderr.write(`bulletin: stopping: ${stop.fatal.message}\n`);
    setTimeout(() => process.exit(1), FATAL_EXIT_GRACE_MS).unref();
  } else {
    log.info({ event: 'process.stopping', signal: stop.signal });
  }
  await stopParts();
  log.info({ event: 'process.stopped' });
  return 'fatal' in stop ? 1 : 0;
}

/** Resolves on the first SIGTERM or SIGINT (a second one exits at once), or on a fatal fault. */
function waitForStop(log: App['log']): {
  promise: Promise<Stop>;
  fail: (error: Error) => void;
  dispose: () => void;
} {
  let settle: (stop: Stop) => void = () => {};
  const promise = new Promise<Stop>((resolve) => {
    settle = resolve;
  });
  const onSignal = (signal: string) => {
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    settle({ signal });
  };
  const onUncaught = (error: unknown) => {
    log.error({ event: 'process.uncaught', error: String(error) });
    settle({ fatal: error instanceof Error ? error : new Error(String(error)) });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  };
  // Once stopping, the second-signal exits are in place and nothing else is listened for.
  return { promise: promise.finally(dispose), fail: (error) => settle({ fatal: error }), dispose };
}

/**
 * Redis may come back empty (restarted without persistence, a failover to an empty replica):
 * on every (re)connection and every 30 s, bind the queues to this installation again and, in
 * a scheduler, make sure the minute tick and every feed's poll scheduler exist. All are
 * idempotent. The tick then sweeps up
 * the work the database says is owed. Queues taken by another installation meanwhile are a
 * fault this process cannot mend: `onFatal`.
 */
function keepRedisDeclared(
  app: App,
  parts: ProcessParts,
  housekeeping: Housekeeping | null,
  onFatal: (error: Error) => void,
): () => void {
  const { log } = app;
  const bull = app.bull as NonNullable<App['bull']>;
  const prefix = bullPrefix(app.settings.queuePrefix);
  let connected = true;
  let declaring = false;
  const declare = async (client: Redis) => {
    if (declaring) return;
    declaring = true;
    try {
      await bindQueuePrefix(client, prefix, app.installationId as string);
      if (parts.scheduler) {
        await ensureTickScheduler(bull.queues.schedule);
        await ensureFeedSchedulers(app.db, bull.queues.feeds);
        await housekeeping?.ensureSchedule();
      }
    } catch (error) {
      if (error instanceof QueuePrefixTakenError) onFatal(error);
      // Redis went away again: the next reconnection or period declares.
      else log.debug({ event: 'redis.declare_failed', error: String(error) });
    } finally {
      declaring = false;
    }
  };
  const watch = watchRedis(
    (app.redis as NonNullable<App['redis']>).options,
    (client) => {
      if (!connected) log.info({ event: 'redis.reconnected' });
      connected = true;
      void declare(client);
    },
    (error) => {
      // One event per outage; the client retries on its own.
      if (connected) log.warn({ event: 'redis.connection_lost', error: error.message });
      connected = false;
    },
  );
  const timer = setInterval(() => {
    if (watch.client.status === 'ready') void declare(watch.client);
  }, REDECLARE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    watch.close();
  };
}

function logStopFailure(log: App['log'], error: unknown): void {
  log.error({ event: 'stop.failed', error: String(error) });
}

/** The start-up message: what runs, where it listens, where mail goes, what it stores in. */
function describeRunning(
  app: App,
  parts: ProcessParts,
  server: FastifyInstance | null,
  metricsServer: MetricsServer | null,
  /** Why the mail server did not answer, when it did not. */
  mailError?: string,
  bouncePort?: number,
): string {
  const running = Object.entries(parts)
    .filter(([part, on]) => on && part !== 'bounceListener')
    .map(([part]) => part);
  const port = server ? listeningPort(server) : null;
  const { database } = app.settings;
  const lines = [
    `Bulletin is running (${running.join(', ')}).`,
    port === null ? null : `  web:      http://localhost:${port}`,
    metricsServer ? `  metrics:  ${metricsServer.url}` : null,
    `  mail:     ${app.transport?.describe()}${mailError ? ` (not answering: ${mailError})` : ''}`,
    ...describeBounceDoors(app, { listenerPort: bouncePort, polls: parts.workers }),
    `  database: ${database.kind === 'sqlite' ? displayPath(database.file) : describePostgres(database.url)}`,
    `  redis:    ${app.redis?.description}`,
    'Press Ctrl-C to stop.',
  ];
  return `${lines.filter((line) => line !== null).join('\n')}\n`;
}

/**
 * `bulletin bounces listen`: the receiving SMTP server alone, until SIGTERM or SIGINT; then it
 * answers what it is storing and closes. It needs the database only.
 */
export async function runBounceListener(app: App): Promise<number> {
  if (app.settings.bounce.smtpPort === null)
    throw new SettingsError(
      'BOUNCE_SMTP_PORT',
      'must be set: the port bounces listen takes mail on',
    );
  const stopping = waitForStop(app.log);
  const listener = (await startBounceListener(app).catch((error: unknown) => {
    stopping.dispose();
    throw error;
  })) as BounceSmtpServer;
  const [line] = describeBounceDoors(app, { listenerPort: listener.port, polls: false });
  process.stdout.write(`Bulletin is running (bounce listener).\n${line}\nPress Ctrl-C to stop.\n`);
  const stop = await stopping.promise;
  app.log.info({ event: 'process.stopping', ...('signal' in stop ? { signal: stop.signal } : {}) });
  await listener.close().catch((error) => logStopFailure(app.log, error));
  app.log.info({ event: 'process.stopped' });
  return 'fatal' in stop ? 1 : 0;
}

/** `postgresql host:5432/bulletin`, without credentials. */
function describePostgres(url: string): string {
  const parsed = new URL(url);
  return `postgresql ${parsed.host}${parsed.pathname}`;
}

/** What `digests run` did: what it found waiting, the sum of its ticks and of their work. */
export interface DueWorkReport {
  /** Left over from before the run (stories to match, deliveries queued), handed on first. */
  waiting: WaitingWork;
  ticks: number;
  /** Digests due in this run's ticks, and those owed from before it. */
  digestsDue: number;
  /** Stories handed on to matching: those waiting, and any stored while the run went on. */
  storiesRequeued: number;
  drain: DrainReport;
}

/**
 * `bulletin digests run`, in order: first what was left waiting (every story not yet matched,
 * every digest or alert delivery left `queued`), then ticks at the app's clock, each followed
 * by every piece of work it hands on, in this process and without Redis, until a tick finds
 * nothing more due. One work queue serves the whole run: it hands each step on once, matches
 * every waiting story before it builds any digest, and stops handing mail over once the mail
 * server has failed `stopSendingAfter` sends in a row (the rest stay queued).
 */
export async function runDueWorkOnce(
  app: App,
  options: {
    cadence?: Cadence;
    /** Told what was waiting, before any of it runs. */
    onWaiting?: (waiting: WaitingWork) => void;
    onProgress?: (progress: { done: number; waiting: number; digestsDue: number }) => void;
  } = {},
): Promise<DueWorkReport> {
  const { concurrency } = app.settings;
  const catalog = new RuleCatalog(app.db, app.log);
  // Twice the sends at once: a whole round of them failed, and the next round too.
  const queue = new DirectWorkQueue({ stopSendingAfter: Math.max(10, 2 * concurrency.send) });
  const ctx = { ...sendContextOf(app), queue };
  const waiting = await handOnWaitingWork(ctx);
  options.onWaiting?.(waiting);
  const total: DueWorkReport = {
    waiting,
    ticks: 0,
    digestsDue: waiting.digestsOwed,
    storiesRequeued: waiting.storiesToMatch,
    drain: {
      matched: 0,
      digests: 0,
      sends: [],
      alertsNotDue: 0,
      sendsHeld: 0,
      mailServerDown: null,
    },
  };
  for (;;) {
    const tick: TickReport = await runScheduleTick(ctx, {
      ...(options.cadence ? { cadence: options.cadence } : {}),
      pendingAlertsBefore: app.now(),
    });
    total.ticks++;
    total.digestsDue += tick.digestsQueued;
    // The first tick finds again the stories just handed on (each is matched once).
    if (total.ticks > 1) total.storiesRequeued += tick.storiesRequeued;
    // A tick that found nothing due and handed on nothing new leaves nothing for the next.
    if (tick.digestsQueued === 0 && queue.waiting === 0) return total;
    const done = total.drain.sends.length;
    const drain = await queue.drain(
      ctx,
      catalog,
      { send: concurrency.send, other: concurrency.digest },
      (report, left) =>
        options.onProgress?.({
          done: done + report.sends.length,
          waiting: left,
          digestsDue: total.digestsDue,
        }),
    );
    total.drain.matched += drain.matched;
    total.drain.digests += drain.digests;
    for (const outcome of drain.sends) total.drain.sends.push(outcome);
    total.drain.alertsNotDue = drain.alertsNotDue;
    total.drain.sendsHeld += drain.sendsHeld;
    total.drain.mailServerDown = drain.mailServerDown;
  }
}
