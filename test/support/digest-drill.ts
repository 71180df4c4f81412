import { Queue } from 'bullmq';
import { toIso } from '../../db/mappers.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { bullPrefix, QUEUE } from '../../jobs/queue-names.js';
import { sendContextOf } from '../../src/app.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import {
  type BulletinProcess,
  type LogEvent,
  parseLog,
  spawnBulletin,
} from './bulletin-process.js';
import type { AcceptedMessage } from './fault-smtp-server.js';
import { makeStory, publish } from './flow-helpers.js';
import { type HoldingSmtpServer, startHoldingSmtpServer } from './holding-smtp-server.js';
import { createTestApp, type TestApp } from './test-app.js';
import type { Dialect } from './test-database.js';
import { TEST_REDIS_URL } from './test-redis.js';

/** Two zones: each digest is named by its reader's local date, the next one timed in it. */
export const ZONES = ['Europe/Berlin', 'America/New_York'] as const;
const SEND_AT = '07:00';
const STORIES = 3;

/**
 * Slow enough that a kill lands mid-run (40 digests take over ten seconds), retries quick
 * enough that a refused write or send is ridden out within the test.
 */
const DRILL_ENV: Record<string, string> = {
  SEND_RATE: '3',
  SEND_ATTEMPTS: '8',
  SEND_RETRY_DELAY: '500ms',
  LOG_LEVEL: 'info',
};

export type Role = 'worker' | 'scheduler';

/** One `bulletin worker|scheduler` child; `name` tells them apart in logs. */
export interface DrillProcess {
  name: string;
  role: Role;
  /** PostgreSQL application_name of its connections (what pg_terminate_backend picks). */
  applicationName: string;
  process: BulletinProcess;
}

export interface DeliveryRow {
  id: number;
  digestId: number | null;
  recipient: string;
  status: string;
  messageId: string | null;
  sentAt: Date | null;
}

export interface DrillState {
  deliveries: DeliveryRow[];
  /** Digest rows: reader, cadence and period. */
  digests: { id: number; readerId: number; cadence: string; periodKey: string }[];
}

export interface DigestDrill {
  dialect: Dialect;
  t: TestApp;
  smtp: HoldingSmtpServer;
  readers: string[];
  /** The environment of CLI commands. */
  env: Record<string, string>;
  /** Every process started, in order, dead or alive. */
  processes: DrillProcess[];
  spawn(role: Role, env?: Record<string, string>): Promise<DrillProcess>;
  /** SIGKILL, and wait until it is gone. */
  kill(proc: DrillProcess): Promise<void>;
  /** The deliveries and digests as the database has them. */
  state(): Promise<DrillState>;
  /** Jobs of the digest and send queues not yet finished (waiting, active, delayed). */
  pendingJobs(): Promise<number>;
  /** What every process logged, each event with the name of its process. */
  logEvents(): (LogEvent & { process: string })[];
  close(): Promise<void>;
}

export interface DrillOptions {
  dialect: Dialect;
  readers: number;
  /** For every process, over the drill's settings. */
  env?: Record<string, string>;
}

/**
 * A database of `readers` readers with a daily digest at 07:00 in their zone and stories
 * matched for each, all due now; a test SMTP server; and the processes the test starts.
 */
export async function startDigestDrill(options: DrillOptions): Promise<DigestDrill> {
  const smtp = await startHoldingSmtpServer();
  const t = await createTestApp(options.dialect, { smtpUrl: smtp.url }).catch(
    async (error: unknown) => {
      await smtp.close();
      throw error;
    },
  );
  const readers = Array.from({ length: options.readers }, (_, i) => `reader${i}@corp.example`);
  const queueOptions = {
    // The whole URL: its password and database number too, not only host and port.
    connection: { url: TEST_REDIS_URL },
    prefix: bullPrefix(t.settings.queuePrefix),
  };
  const sendQueue = new Queue(QUEUE.send, queueOptions);
  const digestQueue = new Queue(QUEUE.digest, queueOptions);
  const processes: DrillProcess[] = [];
  const spawned: Record<Role, number> = { worker: 0, scheduler: 0 };
  const close = async () => {
    await Promise.all(processes.map((p) => p.process.stop()));
    await sendQueue.close();
    await digestQueue.close();
    await smtp.close();
    await t.close();
  };
  try {
    await seedDueDigests(t, readers);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    dialect: options.dialect,
    t,
    smtp,
    readers,
    env: t.env,
    processes,
    async spawn(role, env = {}) {
      // Counted before the wait for it to start, so processes started together differ.
      spawned[role]++;
      const name = `${role}-${spawned[role]}`;
      const applicationName = `bulletin-drill-${role}`;
      const bulletin = await spawnBulletin([role], {
        ...t.env,
        ...DRILL_ENV,
        ...options.env,
        ...env,
        DATABASE_URL: withApplicationName(t.env.DATABASE_URL ?? '', applicationName),
      });
      const proc = { name, role, applicationName, process: bulletin };
      processes.push(proc);
      return proc;
    },
    async kill(proc) {
      const { child } = proc.process;
      if (!proc.process.alive()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    state: () => readState(t),
    async pendingJobs() {
      const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
      const counts = [
        await sendQueue.getJobCounts(...states),
        await digestQueue.getJobCounts(...states),
      ];
      return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    },
    logEvents: () =>
      processes.flatMap((p) =>
        parseLog(p.process.output()).map((event) => ({ ...event, process: p.name })),
      ),
    close,
  };
}

/** The processes' connections carry a name of their own, so a fault can pick them out. */
function withApplicationName(databaseUrl: string, name: string): string {
  if (!databaseUrl.startsWith('postgres')) return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return url.toString();
}

/**
 * Readers follow one topic daily at 07:00, alternately in each zone, half of them paying;
 * the stories are matched in this process, so every reader has a digest's worth waiting.
 *
 * Then every subscription is made due by setting `next_due_at` a minute into the past, before
 * any scheduler runs: the first minute tick, which BullMQ runs as soon as a scheduler creates
 * it, hands all of them on at once. A send time a minute ahead would be due only at whichever
 * tick comes after it, up to two minutes later, and could straddle a local midnight.
 */
async function seedDueDigests(t: TestApp, readers: string[]): Promise<void> {
  await addTopic(t.app, { slug: 'morning', name: 'Morning brief', query: 'tag:morning' });
  for (const [i, email] of readers.entries()) {
    await saveReader(t.app, {
      email,
      name: `Reader ${i}`,
      plan: i % 2 === 0 ? 'subscriber' : 'free',
      trialEndsAt: null,
      tz: ZONES[i % ZONES.length] as string,
      marketingConsent: false,
    });
    await subscribe(t.app, { email, topic: 'morning', cadence: 'daily', sendAt: SEND_AT });
  }
  const queue = new DirectWorkQueue();
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  await publish(
    t.app,
    queue,
    Array.from({ length: STORIES }, (_, i) =>
      makeStory(`morning-${i}`, { tags: ['morning'], publishedAt: hourAgo }),
    ),
  );
  const report = await queue.drain(
    { ...sendContextOf(t.app), queue },
    new RuleCatalog(t.app.db, t.app.log),
  );
  if (report.matched !== readers.length * STORIES)
    throw new Error(`seeded ${report.matched} matches, wanted ${readers.length * STORIES}`);
  await t.app.db
    .updateTable('subscriptions')
    .set({ next_due_at: toIso(new Date(Date.now() - 60_000)) })
    .execute();
}

async function readState(t: TestApp): Promise<DrillState> {
  const deliveries = await t.app.db
    .selectFrom('deliveries')
    .select(['id', 'digest_id', 'recipient', 'status', 'message_id', 'sent_at'])
    .orderBy('id')
    .execute();
  const digests = await t.app.db
    .selectFrom('digests')
    .select(['id', 'subscriber_id', 'cadence', 'period_key'])
    .orderBy('id')
    .execute();
  return {
    deliveries: deliveries.map((d) => ({
      id: d.id,
      digestId: d.digest_id,
      recipient: d.recipient,
      status: d.status,
      messageId: d.message_id,
      sentAt: d.sent_at === null ? null : new Date(d.sent_at),
    })),
    digests: digests.map((d) => ({
      id: d.id,
      readerId: d.subscriber_id,
      cadence: d.cadence,
      periodKey: d.period_key,
    })),
  };
}

/** Polls `check` every `everyMs` until it returns a value, or throws naming `what`. */
export async function pollUntil<T>(
  check: () => Promise<T | false | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** How many deliveries are in each status, as `sent 3, queued 37`. */
export function statusCounts(state: DrillState): string {
  const counts = new Map<string, number>();
  for (const d of state.deliveries) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ${n}`).join(', ') || 'no deliveries';
}

/**
 * Arms the SMTP server: the next message it takes has `fault` run before the 250 reply is
 * written, so the message is the server's while its sender has not heard. Messages whose DATA
 * ends meanwhile wait for the same fault. Resolves with the message the fault was run for.
 */
export function faultOnNextAccept(
  drill: DigestDrill,
  fault: (message: AcceptedMessage) => Promise<void> | void,
): Promise<AcceptedMessage> {
  return new Promise((resolve, reject) => {
    let running: Promise<void> | null = null;
    drill.smtp.beforeReply(async (message) => {
      if (!running) {
        running = Promise.resolve(fault(message)).finally(() => drill.smtp.beforeReply(null));
        running.then(() => resolve(message), reject);
      }
      await running;
    });
  });
}
