import { expect } from 'vitest';
import { summarizeTrouble } from './bulletin-process.js';
import { cliJson, type FaultRig } from './fault-rig.js';
import type { AcceptedMessage } from './fault-smtp-server.js';

/** The fields of `bulletin deliveries list --json` the tally reads. */
export interface DeliveryRow {
  id: number;
  recipient: string;
  storyIds: string[];
  messageId: string | null;
  status: string;
}

/** What the readers got, set against what Bulletin says it did. */
export interface Tally {
  stories: number;
  readers: number;
  /** Reader x story: each must reach its reader once, or be listed failed or unknown. */
  pairsExpected: number;
  /** Pairs in no delivery at all: work that was dropped. */
  pairsLost: number;
  deliveries: number;
  sent: number;
  failed: number;
  /** `sending`: the outcome is unknown and a person must check. */
  unknown: number;
  queued: number;
  received: number;
  /** Extra copies: the same Message-ID twice, or one story reaching one reader twice. */
  duplicates: number;
  /** `sent` deliveries whose message the server never took. */
  missing: number;
  /** Messages that match no delivery, or went to someone else. */
  unexpected: number;
  /** Deliveries the reader got more than once (by Message-ID or by story). */
  duplicated: number[];
  /** Deliveries still `queued`. */
  stuck: number[];
  /** `sending` deliveries whose message never reached the server: no one will ever send it. */
  unknownNeverSent: number[];
}

export function tally(
  readers: string[],
  storyIds: string[],
  deliveries: DeliveryRow[],
  accepted: AcceptedMessage[],
): Tally {
  const count = (status: string) => deliveries.filter((d) => d.status === status).length;
  const covered = new Set(deliveries.flatMap((d) => d.storyIds.map((s) => `${d.recipient} ${s}`)));
  const pairsExpected = readers.length * storyIds.length;
  const pairsLost = readers
    .flatMap((r) => storyIds.map((s) => `${r} ${s}`))
    .filter((p) => !covered.has(p)).length;

  const byMessageId = new Map(deliveries.map((d) => [d.messageId, d]));
  const copies = new Map<string, number>();
  const storyCopies = new Map<string, number>();
  const pairDeliveries = new Map<string, number[]>();
  let unexpected = 0;
  for (const message of accepted) {
    const seen = copies.get(message.messageId) ?? 0;
    copies.set(message.messageId, seen + 1);
    if (seen > 0) continue; // counted below as a copy of its Message-ID
    const delivery = byMessageId.get(message.messageId);
    if (!delivery || message.to.join(',') !== delivery.recipient) {
      unexpected++;
      continue;
    }
    for (const story of delivery.storyIds) {
      const pair = `${delivery.recipient} ${story}`;
      storyCopies.set(pair, (storyCopies.get(pair) ?? 0) + 1);
      pairDeliveries.set(pair, [...(pairDeliveries.get(pair) ?? []), delivery.id]);
    }
  }
  const extra = (counts: Map<string, number>) =>
    [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  return {
    stories: storyIds.length,
    readers: readers.length,
    pairsExpected,
    pairsLost,
    deliveries: deliveries.length,
    sent: count('sent'),
    failed: count('failed'),
    unknown: count('sending'),
    queued: count('queued'),
    received: accepted.length,
    duplicates: extra(copies) + extra(storyCopies),
    missing: deliveries.filter((d) => d.status === 'sent' && !copies.has(d.messageId ?? '')).length,
    unexpected,
    duplicated: [
      ...new Set([
        ...deliveries.filter((d) => (copies.get(d.messageId ?? '') ?? 0) > 1).map((d) => d.id),
        ...[...pairDeliveries.values()].filter((ids) => ids.length > 1).flat(),
      ]),
    ],
    stuck: deliveries.filter((d) => d.status === 'queued').map((d) => d.id),
    unknownNeverSent: deliveries
      .filter((d) => d.status === 'sending' && !copies.has(d.messageId ?? ''))
      .map((d) => d.id),
  };
}

export interface Recovery {
  tally: Tally;
  /** From the end of the fault until nothing was queued, lost or missing; null if never. */
  recoveredMs: number | null;
  alive: boolean;
}

/** Reads Bulletin's own listings and the SMTP server's log, as an operator would. */
async function currentTally(rig: FaultRig): Promise<Tally | undefined> {
  const stories = await cliJson<{ id: string }[]>(['stories', 'list', '--json'], rig.env);
  const deliveries = await cliJson<DeliveryRow[]>(['deliveries', 'list', '--json'], rig.env);
  if (!stories || !deliveries) return undefined;
  const ids = stories.map((s) => s.id);
  return tally(rig.readers, ids, deliveries, await rig.smtp.accepted());
}

const isSettled = (t: Tally) => t.queued === 0 && t.pairsLost === 0 && t.missing === 0;

/**
 * Polls until everything published has settled (sent, failed or unknown, and each sent one
 * received), the process dies, or the deadline passes; then tallies once more.
 */
export async function awaitRecovery(
  rig: FaultRig,
  faultEndedAt: number,
  deadlineMs: number,
): Promise<Recovery> {
  let recoveredMs: number | null = null;
  let last: Tally | undefined;
  while (rig.alive() && Date.now() - faultEndedAt < deadlineMs) {
    last = (await currentTally(rig)) ?? last;
    if (last && isSettled(last)) {
      recoveredMs = Date.now() - faultEndedAt;
      break;
    }
    // Each look runs two CLI processes: often at first, then sparingly for a long recovery.
    const pause = Date.now() - faultEndedAt < 30_000 ? 1000 : 5000;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  if (recoveredMs !== null) {
    // A duplicate would come from a retry still under way: give it the time one takes.
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  const final = (await currentTally(rig)) ?? last;
  if (!final) throw new Error('bulletin deliveries list / stories list never answered');
  return { tally: final, recoveredMs, alive: rig.alive() };
}

/** One line of numbers per test, and the process's last output when it is gone. */
export function report(name: string, rig: FaultRig, recovery: Recovery, extra = ''): void {
  const t = recovery.tally;
  const recovered =
    recovery.recoveredMs === null
      ? 'did NOT recover'
      : `recovered ${(recovery.recoveredMs / 1000).toFixed(1)} s after the fault`;
  const state = recovery.alive
    ? 'bulletin up'
    : `bulletin EXITED (code ${rig.bulletin.child.exitCode}, signal ${rig.bulletin.child.signalCode})`;
  console.log(
    [
      `[fault ${name}] ${t.pairsExpected} story-reader pairs (${t.stories} stories x ${t.readers} readers) in ${t.deliveries} emails`,
      `  emails: expected ${t.deliveries - t.failed - t.unknown} to arrive, received ${t.received}, duplicates ${t.duplicates}, failed ${t.failed}, unknown ${t.unknown}, queued ${t.queued}`,
      `  pairs lost ${t.pairsLost}, sent-but-missing ${t.missing}, unexpected ${t.unexpected}; ${recovered}; ${state}${extra ? `; ${extra}` : ''}`,
      `  warnings and errors logged: ${summarizeTrouble(rig.logEvents())}`,
      ...(t.unknownNeverSent.length > 0
        ? [`  unknown but never received by the server: ${t.unknownNeverSent.length}`]
        : []),
      ...t.duplicated.slice(0, 3).map((id) => `  duplicate, delivery ${id}: ${history(rig, id)}`),
      ...t.stuck.slice(0, 2).map((id) => `  still queued, delivery ${id}: ${history(rig, id)}`),
      ...t.unknownNeverSent
        .slice(0, 2)
        .map((id) => `  unknown, never sent, delivery ${id}: ${history(rig, id)}`),
      ...(recovery.alive ? [] : ['  its last words:', rig.crash() || rig.tail(8)]),
    ].join('\n'),
  );
}

/** What the process logged about one delivery and its send job, in order. */
function history(rig: FaultRig, deliveryId: number): string {
  const events = rig
    .logEvents()
    .filter((e) => e.delivery === deliveryId || e.job === `send.${deliveryId}`)
    .map((e) => `${e.event}${e.error ? ` (${String(e.error).slice(0, 80)})` : ''}`);
  return events.join(' -> ') || 'nothing logged';
}

/** The outcome every fault must end in. */
export function expectRecovered(recovery: Recovery): void {
  const { tally: t, alive } = recovery;
  expect({
    alive,
    queued: t.queued,
    pairsLost: t.pairsLost,
    duplicates: t.duplicates,
    missing: t.missing,
    unexpected: t.unexpected,
  }).toEqual({ alive: true, queued: 0, pairsLost: 0, duplicates: 0, missing: 0, unexpected: 0 });
}
