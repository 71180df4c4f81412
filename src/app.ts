import path from 'node:path';
import type { Queue } from 'bullmq';
import { type Db, migrateDatabase, openDatabase } from '../db/connection.js';
import { readInstallationId } from '../db/repositories/installation.repository.js';
import type { BullQueues } from '../jobs/bull-work-queue.js';
import { createFeedSchedule } from '../jobs/feed-scheduler.js';
import { bullPrefix } from '../jobs/queue-names.js';
import { createFeedFetcher } from './adapters/feed-fetcher.js';
import { keepHeapNearWorkingSet } from './adapters/heap-growth.js';
import { createLogger, createThrottledWarn, type Logger } from './adapters/logger.js';
import type { MailTransport } from './adapters/mail/mail-transport.js';
import type { BounceSmtpServer } from './adapters/mail-in/bounce-smtp-server.js';
import { metrics, timed } from './adapters/metrics.js';
import { tightenPrivateFiles } from './adapters/private-files.js';
import { claimQueuePrefix, sweepQueueKeys } from './adapters/queue-owner.js';
import { connectRedis, type RedisHandle } from './adapters/redis.js';
import { loadSecretKey } from './adapters/secret-key.js';
import { type StoryParsePool, startStoryParsePool } from './adapters/story-parse-pool.js';
import { maskUrlPassword } from './config/redact.js';
import type { Settings } from './config/settings.js';
import { SettingsError } from './config/settings-error.js';
import type { EmailRenderer } from './email/index.js';
import type { CampaignContext, CampaignQueue } from './services/campaigns/index.js';
import type {
  FlowContext,
  RenderContext,
  SendContext,
  ServiceContext,
} from './services/context.js';
import type { QueueAdmin, QueueKeys } from './services/operations/index.js';
import type { FeedContext } from './services/stories/index.js';

/**
 * The composition root: opens what a command needs (database always; Redis and queues, the
 * mail transport and the email renderer when asked) and closes it again in the right order.
 */
export interface App extends ServiceContext {
  secretKey: Buffer;
  /** The key links are signed with, then the previous one during a rotation. */
  verificationKeys: readonly Buffer[];
  /** This database's id, which the queues in Redis are bound to; read when Redis is opened. */
  installationId: string | null;
  redis: RedisHandle | null;
  bull: BullQueues | null;
  /** Campaign steps and invitations; opened with the queues. */
  campaigns: CampaignQueue | null;
  /** Every BullMQ queue by name (the campaign queue too), for status and the dashboard. */
  allQueues: Record<string, Queue> | null;
  transport: MailTransport | null;
  renderer: EmailRenderer | null;
  close(): Promise<void>;
}

export interface AppOptions {
  redis?: boolean;
  /** The mail transport, and the renderer that sending needs. */
  mail?: boolean;
  /** The renderer alone (previews). */
  render?: boolean;
  migrate?: boolean;
  now?: () => Date;
  log?: Logger;
}

export async function openApp(settings: Settings, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(settings.logLevel, settings.logFormat);
  const warnOnce = createThrottledWarn(log);
  const { database } = settings;
  tightenPrivateFiles(
    settings.varDir,
    database.kind === 'sqlite' && database.file !== ':memory:' ? database.file : null,
  );
  // A lost connection is one event; the pool opens a new one for the next query, and a job
  // that failed on it is retried by its queue.
  const db: Db = openDatabase(settings.database, {
    onConnectionError: (error) => log.warn({ event: 'db.connection_lost', error: error.message }),
  });
  const closers: (() => Promise<void>)[] = [() => db.destroy()];
  try {
    if (options.migrate) await migrateDatabase(db);
    const secretKey = loadSecretKey(settings.secretKey, settings.varDir);
    const verificationKeys = settings.secretKeyPrevious
      ? [secretKey, Buffer.from(settings.secretKeyPrevious, 'utf8')]
      : [secretKey];
    // Read where the queues need it; `db migrate` opens a database that may have no schema yet.
    const installationId = options.redis ? await readInstallationId(db) : null;
    let redis: RedisHandle | null = null;
    let bull: BullQueues | null = null;
    let campaigns: CampaignQueue | null = null;
    let allQueues: Record<string, Queue> | null = null;
    if (options.redis) {
      redis = await connectRedis({ ...settings.redis, varDir: settings.varDir });
      const handle = redis;
      closers.unshift(() => handle.release());
      await claimQueuePrefix(
        redis.options,
        bullPrefix(settings.queuePrefix),
        installationId as string,
      );
      // Loaded on demand: commands that only touch the database start faster without them.
      const { openBullQueues } = await import('../jobs/bull-work-queue.js');
      bull = openBullQueues(redis.bullConnection, settings, (queue, error) =>
        warnOnce(`queue.${queue}`, { event: 'queue.redis_error', queue, error: error.message }),
      );
      const queues = bull;
      closers.unshift(() => queues.close());
      const { openCampaignQueue } = await import('../jobs/campaign-queue.js');
      const campaignQueue = openCampaignQueue(redis.bullConnection, settings, (error) =>
        warnOnce('queue.campaign', {
          event: 'queue.redis_error',
          queue: 'campaign',
          error: error.message,
        }),
      );
      campaigns = campaignQueue.campaigns;
      allQueues = { ...queues.queues, campaign: campaignQueue.queue };
      closers.unshift(() => campaignQueue.close());
    }
    let transport: MailTransport | null = null;
    if (options.mail) {
      // Before the mail thread starts: V8's flags are the whole process's.
      keepHeapNearWorkingSet();
      const { createMailTransport } = await import('./adapters/mail/create-mail-transport.js');
      const { createThreadedMailTransport } = await import('./adapters/mail/mail-thread.js');
      const create = settings.mailThread ? createThreadedMailTransport : createMailTransport;
      const untimed = create({
        smtpUrl: settings.smtpUrl,
        outboxDir: path.join(settings.varDir, 'outbox'),
        from: settings.mailFrom,
        dkim: settings.dkim,
        sendRate: settings.sendRate,
        // As many connections as sends at once: a send marked `sending` never waits for one.
        maxConnections: settings.concurrency.send,
        onConnectionError: (error) =>
          warnOnce('smtp', { event: 'smtp.connection_error', error: error.message }),
      });
      transport = withSendTiming(untimed);
      const mail = transport;
      closers.unshift(() => mail.close());
    }
    let renderer: EmailRenderer | null = null;
    if (options.mail || options.render) {
      // React and the templates take most of a second to load: only commands that render pay.
      const { createEmailRenderer } = await import('./email/index.js');
      renderer = withRenderTiming(createEmailRenderer());
    }
    return {
      db,
      settings,
      log,
      now: options.now ?? (() => new Date()),
      secretKey,
      verificationKeys,
      installationId,
      redis,
      bull,
      campaigns,
      allQueues,
      transport,
      renderer,
      async close() {
        for (const close of closers)
          await close().catch((error) =>
            log.error({ event: 'close.failed', error: String(error) }),
          );
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => {});
    throw error;
  }
}

/**
 * Worker threads that check and clean stories for a long publish, so the command's own thread
 * only stores them and hands matching on. `now` is the clock "a day in the future" counts from.
 */
export function startStoryParsing(app: App): StoryParsePool {
  return startStoryParsePool({ now: app.now() });
}

/** The app as a flow context whose hand-ons go to the BullMQ queues. */
export function flowContextOf(app: App): FlowContext {
  if (!app.bull) throw new Error('the app was opened without the queues (redis: true)');
  return { ...app, queue: app.bull.workQueue };
}

/** The installation's queues as an administrator works them (status, retry, clean). */
export async function queueAdminOf(app: App): Promise<QueueAdmin> {
  if (!app.allQueues) throw new Error('the app was opened without the queues (redis: true)');
  const { createBullQueueAdmin } = await import('../jobs/bull-queue-admin.js');
  return createBullQueueAdmin(app.allQueues);
}

/**
 * The installation's keys in Redis, reached without binding the queues to this database (a
 * reset is how a prefix bound to a database that is gone is freed).
 */
export async function openQueueKeys(
  settings: Settings,
): Promise<QueueKeys & { close(): Promise<void> }> {
  const redis = await connectRedis({ ...settings.redis, varDir: settings.varDir });
  const prefix = bullPrefix(settings.queuePrefix);
  return {
    prefix: settings.queuePrefix,
    count: () => sweepQueueKeys(redis.options, prefix, false),
    erase: () => sweepQueueKeys(redis.options, prefix, true),
    close: () => redis.release(),
  };
}

/** The app as a context that renders readers' emails. */
export function renderContextOf(app: App): RenderContext {
  if (!app.renderer) throw new Error('the app was opened without the renderer (render: true)');
  return { ...app, renderer: app.renderer };
}

/** The app as a context that renders and sends. */
export function sendContextOf(app: App): SendContext {
  if (!app.transport || !app.renderer)
    throw new Error('the app was opened without the mail transport (mail: true)');
  return { ...app, transport: app.transport, renderer: app.renderer };
}

/** Each hand-over to the mail server, timed in `bulletin_send_duration_seconds`. */
function withSendTiming(transport: MailTransport): MailTransport {
  return {
    send: (email) => timed(metrics.sendSeconds, {}, () => transport.send(email)),
    close: () => transport.close(),
    describe: () => transport.describe(),
  };
}

/** Each reader's email rendered, timed in `bulletin_render_duration_seconds`. */
function withRenderTiming(renderer: EmailRenderer): EmailRenderer {
  return {
    renderDigestEmail: (input) =>
      timed(metrics.renderSeconds, { template: 'digest' }, () => renderer.renderDigestEmail(input)),
    renderCampaignEmail: (input) =>
      timed(metrics.renderSeconds, { template: 'campaign' }, () =>
        renderer.renderCampaignEmail(input),
      ),
    readStats: () => renderer.readStats(),
  };
}

/**
 * The app as a context that manages and polls feeds: the flow, a fetcher and the feeds' job
 * schedulers. The caller closes the fetcher (`close`) when done.
 */
export function feedContextOf(app: App): FeedContext & { close(): Promise<void> } {
  if (!app.bull) throw new Error('the app was opened without the queues (redis: true)');
  const fetcher = createFeedFetcher({ allowPrivate: app.settings.feedsAllowPrivate });
  return {
    ...flowContextOf(app),
    fetcher,
    feedSchedule: createFeedSchedule(app.bull.queues.feeds),
    close: () => fetcher.close(),
  };
}

/** The app as a context that runs campaigns on their queue. */
export function campaignContextOf(app: App): CampaignContext {
  if (!app.campaigns) throw new Error('the app was opened without the queues (redis: true)');
  return { ...app, campaigns: app.campaigns };
}

/**
 * The receiving SMTP server for the bounce domain (BOUNCE_SMTP_PORT), or null when the port is
 * not set. Each message is recorded (source `smtp`, with its envelope's recipients) before it
 * is answered 250.
 */
export async function startBounceListener(app: App): Promise<BounceSmtpServer | null> {
  const { smtpPort, address } = app.settings.bounce;
  if (smtpPort === null) return null;
  if (!address)
    throw new SettingsError(
      'BOUNCE_SMTP_PORT',
      'needs BOUNCE_ADDRESS: the listener takes mail for its domain and no other',
    );
  // Loaded only where the listener runs.
  const { startBounceSmtpServer } = await import('./adapters/mail-in/bounce-smtp-server.js');
  const { processInboundMessage } = await import('./services/bounces/index.js');
  return startBounceSmtpServer({
    port: smtpPort,
    domain: address.domain,
    log: app.log,
    receive: async (raw, envelope) => {
      await processInboundMessage(app, raw, 'smtp', envelope);
    },
  });
}

/** The start-up message's lines for the bounce doors: the listener's port, the mailbox polled. */
export function describeBounceDoors(
  app: App,
  running: { listenerPort: number | undefined; polls: boolean },
): string[] {
  const { address, imap } = app.settings.bounce;
  return [
    running.listenerPort === undefined
      ? null
      : `  bounces:  smtp port ${running.listenerPort}, mail for ${address?.domain}`,
    imap && running.polls ? `  bounces:  ${maskUrlPassword(imap.url)}, every minute` : null,
  ].filter((line) => line !== null);
}
