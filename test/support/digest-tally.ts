import type { ExpectStatic } from 'vitest';
import { type BulletinProcess, summarizeTrouble } from './bulletin-process.js';
import { explainReader, explainTicks, stalledJobs } from './digest-diagnosis.js';
import type { DeliveryRow, DigestDrill, DrillState } from './digest-drill.js';
import { cliJson } from './fault-rig.js';
import type { AcceptedMessage } from './fault-smtp-server.js';

/** What the readers got from one due run, set against what Bulletin says it did. */
export interface DigestTally {
  /** Readers with a daily digest due: one email each. */
  due: number;
  digests: number;
  /** Readers with more than one digest row: a digest built twice (another period, say). */
  builtTwice: number;
  deliveries: number;
  /** Digests with more than one delivery. */
  queuedTwice: number;
  received: number;
  /**
   * Copies beyond the first to one reader. Each reader has one digest due, so any second
   * message to a reader is a duplicate, whatever its Message-ID or subject.
   */
  duplicates: number;
  /** Readers who got more than one message. */
  duplicated: string[];
  /** Listed by `deliveries list --status sending`: outcome unknown, for a person to settle. */
  unknown: DeliveryRow[];
  /** Of those, how many the server has (the rest it never took). */
  unknownReceived: number;
  sent: number;
  failed: number;
  queued: number;
  /** `sent` rows whose message the server never took: a send recorded that did not happen. */
  sentMissing: DeliveryRow[];
  /** Readers whose digest neither arrived nor is listed as unknown: lost. */
  lost: string[];
  /** Messages to an address that is no reader's. */
  unexpected: number;
  /** The delivery rows tallied. */
  rows: DeliveryRow[];
}

export function tallyDigests(
  readers: string[],
  state: DrillState,
  accepted: AcceptedMessage[],
  listedSending: { id: number }[],
): DigestTally {
  const perReader = new Map<string, number>();
  const messageIds = new Set<string>();
  let unexpected = 0;
  for (const message of accepted) {
    messageIds.add(message.messageId);
    for (const to of message.to) {
      if (readers.includes(to)) perReader.set(to, (perReader.get(to) ?? 0) + 1);
      else unexpected++;
    }
  }
  const byStatus = (status: string) => state.deliveries.filter((d) => d.status === status);
  const listed = new Set(listedSending.map((d) => d.id));
  const unknown = state.deliveries.filter((d) => listed.has(d.id));
  const unknownReaders = new Set(unknown.map((d) => d.recipient));
  const countBy = <T>(items: T[], key: (item: T) => unknown) => {
    const counts = new Map<unknown, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return [...counts.values()];
  };
  const duplicated = [...perReader].filter(([, n]) => n > 1).map(([reader]) => reader);
  return {
    due: readers.length,
    digests: state.digests.length,
    builtTwice: countBy(state.digests, (d) => `${d.readerId} ${d.cadence}`).filter((n) => n > 1)
      .length,
    deliveries: state.deliveries.length,
    queuedTwice: countBy(state.deliveries, (d) => d.digestId).filter((n) => n > 1).length,
    received: accepted.length,
    duplicates: [...perReader.values()].reduce((sum, n) => sum + n - 1, 0),
    duplicated,
    unknown,
    unknownReceived: unknown.filter((d) => messageIds.has(d.messageId ?? '')).length,
    sent: byStatus('sent').length,
    failed: byStatus('failed').length,
    queued: byStatus('queued').length,
    sentMissing: byStatus('sent').filter((d) => !messageIds.has(d.messageId ?? '')),
    lost: readers.filter((r) => !perReader.has(r) && !unknownReaders.has(r)),
    unexpected,
    rows: state.deliveries,
  };
}

export interface Settled {
  tally: DigestTally;
  /** From the moment the digests fell due until nothing was left to do; null if never. */
  settledMs: number | null;
}

/**
 * Polls the database and the queues until the run is over: every due reader has a delivery,
 * none is queued, no digest or send job waits or runs (a job of a killed worker counts until
 * BullMQ finds it stalled and runs it again, which may send it twice), and every `sent` one
 * reached the server. Gives up `withinMs` from now. Then tallies, with the CLI's list of
 * unknown outcomes.
 *
 * BullMQ takes a killed worker's jobs back only once their lock (30 s) has lapsed and two of
 * its stalled checks (one per 30 s across all workers, often a minute apart) have seen them:
 * up to about 100 s after the kill.
 */
export async function awaitSettled(
  drill: DigestDrill,
  dueAt: number,
  withinMs: number,
): Promise<Settled> {
  const deadline = Date.now() + withinMs;
  let settledMs: number | null = null;
  while (Date.now() < deadline) {
    const state = await drill.state();
    const sent = new Set(drill.smtp.accepted().map((m) => m.messageId));
    const done =
      state.deliveries.length >= drill.readers.length &&
      state.deliveries.every(
        (d) => d.status !== 'queued' && (d.status !== 'sent' || sent.has(d.messageId ?? '')),
      ) &&
      (await drill.pendingJobs()) === 0;
    if (done) {
      settledMs = Date.now() - dueAt;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { tally: await tallyNow(drill), settledMs };
}

/** The tally as it stands, with the unknown outcomes as `deliveries list` shows them. */
export async function tallyNow(drill: DigestDrill): Promise<DigestTally> {
  const listed = await cliJson<{ id: number }[]>(
    ['deliveries', 'list', '--status', 'sending', '--json'],
    drill.env,
  );
  if (!listed) throw new Error('bulletin deliveries list --status sending failed');
  return tallyDigests(drill.readers, await drill.state(), drill.smtp.accepted(), listed);
}

/** The numbers, and for anything wrong what the rows, the queues and the logs say. */
export async function reportDigests(
  name: string,
  drill: DigestDrill,
  settled: Settled,
  extra = '',
): Promise<void> {
  const t = settled.tally;
  const time =
    settled.settledMs === null
      ? 'did NOT settle'
      : `settled ${(settled.settledMs / 1000).toFixed(1)} s after they fell due`;
  const lines = [
    `[crash ${name}, ${drill.dialect}] due ${t.due}, digests ${t.digests} (built twice ${t.builtTwice}), deliveries ${t.deliveries} (queued twice ${t.queuedTwice})`,
    `  received ${t.received}, duplicates ${t.duplicates}, unknown ${t.unknown.length} (of which received ${t.unknownReceived}), lost ${t.lost.length}`,
    `  sent ${t.sent}, failed ${t.failed}, queued ${t.queued}, sent-but-missing ${t.sentMissing.length}, unexpected ${t.unexpected}; ${time}${extra ? `; ${extra}` : ''}`,
    `  processes: ${drill.processes.map((p) => `${p.name} ${exitOf(p.process)}`).join(', ')}; ${await stalledJobs(drill)}`,
    `  warnings and errors logged: ${summarizeTrouble(drill.logEvents())}`,
  ];
  for (const reader of [...t.duplicated, ...t.lost].slice(0, 4)) {
    lines.push(`  ${reader}: ${historyOfReader(drill, t, reader)}`);
    lines.push(`    ${await explainReader(drill, reader)}`);
  }
  for (const d of t.sentMissing.slice(0, 2))
    lines.push(`  sent, never received: ${history(drill, d.id)}`);
  if (settled.settledMs === null) {
    lines.push(`  jobs not finished: ${await drill.pendingJobs()}`);
    lines.push(`  ticks:\n      ${await explainTicks(drill)}`);
  }
  console.log(lines.join('\n'));
}

function exitOf(bulletin: BulletinProcess): string {
  if (bulletin.alive()) return 'up';
  return bulletin.child.signalCode ?? `exit ${bulletin.child.exitCode}`;
}

/** What the processes logged about one delivery and its send job, in order. */
export function history(drill: DigestDrill, deliveryId: number): string {
  const events = drill
    .logEvents()
    .filter((e) => e.delivery === deliveryId || e.job === `send.${deliveryId}`)
    .map((e) => `${e.process} ${e.event}${e.error ? ` (${String(e.error).slice(0, 80)})` : ''}`);
  return `delivery ${deliveryId}: ${events.join(' -> ') || 'nothing logged'}`;
}

function historyOfReader(drill: DigestDrill, t: DigestTally, reader: string): string {
  const received = drill.smtp
    .accepted()
    .filter((m) => m.to.includes(reader))
    .map((m) => m.messageId);
  const rows = t.rows.filter((d) => d.recipient === reader);
  return [
    `received [${received.join(', ')}]`,
    ...rows.map((d) => `${d.status} ${history(drill, d.id)}`),
  ].join('; ');
}

/**
 * The outcome every drill must end in: each due digest built once and queued once; no reader
 * got two messages; each reader's digest arrived or is listed as unknown; nothing recorded
 * `sent` that the server never took, nothing given up, nothing left queued.
 */
export function expectOnceAndNoneLost(settled: Settled, expect: ExpectStatic): void {
  const t = settled.tally;
  expect({
    settled: settled.settledMs !== null,
    deliveries: t.deliveries,
    builtTwice: t.builtTwice,
    queuedTwice: t.queuedTwice,
    duplicated: t.duplicated,
    lost: t.lost,
    sentMissing: t.sentMissing.map((d) => d.id),
    failed: t.failed,
    queued: t.queued,
    unexpected: t.unexpected,
  }).toEqual({
    settled: true,
    deliveries: t.due,
    builtTwice: 0,
    queuedTwice: 0,
    duplicated: [],
    lost: [],
    sentMissing: [],
    failed: 0,
    queued: 0,
    unexpected: 0,
  });
}
