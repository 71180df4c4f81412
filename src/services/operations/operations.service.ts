import { countDeliveriesByStatus } from '../../../db/repositories/delivery.repository.js';
import { pingDatabase } from '../../../db/repositories/installation.repository.js';
import type { DeliveryStatus } from '../../domain/delivery.js';
import type { ServiceContext } from '../context.js';
import type { MailServerStatus } from '../sending/mail-server.service.js';

export interface QueueCount {
  queue: string;
  state: string;
  count: number;
}

/**
 * The queues as operations see them, read from wherever they live. A port: the web side shows
 * them without knowing BullMQ. Both calls fail at once, rather than wait, while Redis is away.
 */
export interface QueueInspector {
  countJobs(): Promise<QueueCount[]>;
  ping(): Promise<void>;
}

/** An operational read gets this long; a scrape or probe must answer even when Redis hangs. */
const PROBE_TIMEOUT_MS = 800;

export type Check = { ok: true } | { ok: false; error: string };

export interface Readiness {
  /** The database and Redis answer: what decides 200 or 503. */
  ok: boolean;
  database: Check;
  /** Absent in a process that has no queues. */
  redis?: Check;
  /**
   * The mail server, in a process that sends over SMTP. Told, never counted in `ok`: mail
   * waits `queued` while the server is away, and the web server's work (unsubscribes, links)
   * does not need it.
   */
  mail?: MailServerStatus;
  /** What an operator should know although the process is ready: the mail server is away. */
  warnings?: string[];
}

/**
 * Whether the database and Redis answer, each within a fraction of a second; and, when
 * given, what is known of the mail server (read from its watch, not asked here).
 */
export async function checkReadiness(
  ctx: ServiceContext,
  queues: QueueInspector | null,
  mail?: MailServerStatus,
): Promise<Readiness> {
  const [database, redis] = await Promise.all([
    probe(() => pingDatabase(ctx.db)),
    queues ? probe(() => queues.ping()) : Promise.resolve(undefined),
  ]);
  const warnings =
    mail?.state === 'not-answering'
      ? [
          `the mail server ${mail.server} does not answer (${mail.error}) since ${mail.since}: mail waits queued`,
        ]
      : [];
  return {
    ok: database.ok && (redis?.ok ?? true),
    database,
    ...(redis ? { redis } : {}),
    ...(mail ? { mail } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** A count read in time, or `null` when its source did not answer. */
export interface OperationalCounts {
  deliveries: { status: DeliveryStatus; count: number }[] | null;
  /** Absent in a process that has no queues to ask. */
  jobs?: QueueCount[] | null;
}

/** Deliveries by status and jobs by queue and state, for `/metrics`; never waits long. */
export async function readOperationalCounts(
  ctx: ServiceContext,
  queues: QueueInspector | null,
): Promise<OperationalCounts> {
  const [deliveries, jobs] = await Promise.all([
    withTimeout(countDeliveriesByStatus(ctx.db)).catch(() => null),
    queues ? withTimeout(queues.countJobs()).catch(() => null) : Promise.resolve(undefined),
  ]);
  return { deliveries, ...(jobs === undefined ? {} : { jobs }) };
}

async function probe(check: () => Promise<void>): Promise<Check> {
  try {
    await withTimeout(check());
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
