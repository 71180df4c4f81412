import type { FlowContext, SendContext } from '../src/services/context.js';
import { buildAlert, buildDigests } from '../src/services/digests/index.js';
import { HELD_BACK, type SendOutcome, sendDeliveries } from '../src/services/sending/index.js';
import { matchStories } from '../src/services/stories/index.js';
import type { RuleCatalog } from '../src/services/topics/index.js';
import type {
  BuildAlertWork,
  BuildDigestWork,
  MatchStoryWork,
  SendDeliveriesWork,
  SendDeliveryWork,
  WorkQueue,
} from '../src/services/work-queue.js';

type Task =
  | { kind: 'match'; works: MatchStoryWork[] }
  | { kind: 'digests'; works: BuildDigestWork[] }
  | { kind: 'alert'; work: BuildAlertWork }
  | { kind: 'sends'; deliveryIds: number[] };

export interface DrainReport {
  matched: number;
  digests: number;
  sends: SendOutcome[];
  /** Alerts still inside their batching window: left for the workers. */
  alertsNotDue: number;
  /**
   * Sends not tried because the mail server had stopped answering (see `stopSendingAfter`):
   * their deliveries stay `queued`, for the next run or a worker.
   */
  sendsHeld: number;
  /** Why sending stopped: the mail server's last error, or null while it answers. */
  mailServerDown: string | null;
}

/** A first-in first-out list that takes from the front in constant time. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Let go of the taken front now and then, so a long drain does not hold every task.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  /** The items still waiting, front first. */
  waiting(): readonly T[] {
    return this.items.slice(this.head);
  }
}

type Lane = 'send' | 'match' | 'build';

/** Stories matched by one task (as by one match job of the workers). */
const STORIES_PER_MATCH = 50;

export interface DirectQueueOptions {
  /**
   * After this many sends in a row fail on a temporary error (connection refused, a timeout,
   * 4xx), stop handing messages to the mail server: the rest stay `queued`. Each try uses up
   * one of a delivery's SEND_ATTEMPTS, and against a server that does not answer each waits
   * for its timeout. Unset, every send is tried.
   */
  stopSendingAfter?: number;
}

/**
 * A {@link WorkQueue} that runs the flow in this process, for `bulletin digests run`: the
 * same services the workers call, without Redis. Work is deduplicated like the job ids do,
 * for as long as the queue lives: one queue per run hands each step on once however many
 * ticks find it.
 *
 * Stories are matched before digests are built: a build waits while any match waits or runs,
 * so a digest holds every story that was waiting when it was built. Sends go at once.
 */
export class DirectWorkQueue implements WorkQueue {
  private readonly lanes: Record<Lane, Fifo<Task>> = {
    send: new Fifo(),
    match: new Fifo(),
    build: new Fifo(),
  };
  private readonly seen = new Set<string>();
  private readonly alertsWaiting = new Set<string>();
  /** Temporary send failures since the last message the server took. */
  private failuresInARow = 0;
  private mailServerDown: string | null = null;

  constructor(private readonly options: DirectQueueOptions = {}) {}

  private push(key: string, task: Task): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.lanes[laneOf(task)].push(task);
  }

  /** Whether this step is new to the queue; it is seen from now on. */
  private first(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /** Work handed on and not yet started. */
  get waiting(): number {
    return this.lanes.send.length + this.lanes.match.length + this.lanes.build.length;
  }
  /** Stories handed on for matching and not yet matched (a task may hold several). */
  get storiesWaiting(): number {
    let stories = 0;
    for (const task of this.lanes.match.waiting())
      if (task.kind === 'match') stories += task.works.length;
    return stories;
  }

  async matchStory(work: MatchStoryWork) {
    this.push(`m${work.storyId}.${work.revision}`, { kind: 'match', works: [work] });
  }
  /** Each run of {@link STORIES_PER_MATCH} stories one task: their rows go in one transaction. */
  async matchStories(works: readonly MatchStoryWork[]) {
    const fresh = works.filter((work) => !this.seen.has(`m${work.storyId}.${work.revision}`));
    for (let i = 0; i < fresh.length; i += STORIES_PER_MATCH) {
      const batch = fresh.slice(i, i + STORIES_PER_MATCH);
      for (const work of batch) this.seen.add(`m${work.storyId}.${work.revision}`);
      this.lanes.match.push({ kind: 'match', works: batch });
    }
  }
  async buildDigest(work: BuildDigestWork) {
    await this.buildDigests([work]);
  }
  /** A group is one step: built together, its sends handed on together. */
  async buildDigests(works: readonly BuildDigestWork[]) {
    const fresh = works.filter((w) => this.first(`d${w.readerId}.${w.cadence}.${w.periodKey}`));
    if (fresh.length > 0) this.lanes.build.push({ kind: 'digests', works: fresh });
  }
  async buildAlert(work: BuildAlertWork, delayMs: number) {
    if (delayMs > 0) {
      // Counted once per reader, however many ticks find the alert still in its window.
      this.alertsWaiting.add(`a${work.readerId}`);
      return;
    }
    this.push(`a${work.readerId}.${work.dueAt}`, { kind: 'alert', work });
  }
  async buildAlerts(alerts: readonly { work: BuildAlertWork; delayMs: number }[]) {
    for (const { work, delayMs } of alerts) await this.buildAlert(work, delayMs);
  }
  async sendDelivery(work: SendDeliveryWork) {
    await this.sendDeliveries({ deliveryIds: [work.deliveryId] });
  }
  async sendDeliveries(work: SendDeliveriesWork) {
    const fresh = work.deliveryIds.filter((id) => this.first(`s${id}`));
    if (fresh.length > 0) this.lanes.send.push({ kind: 'sends', deliveryIds: fresh });
  }

  /**
   * Runs queued work, and the work it hands on, until none is left: up to `limits.send` sends
   * and `limits.other` other steps at once (a send waits on the mail server, a build on the
   * database and the renderer). The first step that throws ends the drain with its error.
   */
  async drain(
    ctx: FlowContext & SendContext,
    catalog: RuleCatalog,
    limits: { send: number; other: number } = { send: 1, other: 1 },
    onProgress?: (report: DrainReport, waiting: number) => void,
  ): Promise<DrainReport> {
    const report: DrainReport = {
      matched: 0,
      digests: 0,
      sends: [],
      alertsNotDue: 0,
      sendsHeld: 0,
      mailServerDown: null,
    };
    // Each count is added after its await: `report.n += await step()` would read `n` before
    // the step and lose the counts of the steps that finished meanwhile.
    const run = async (task: Task) => {
      if (task.kind === 'match') {
        const { created } = await matchStories(ctx, catalog, task.works);
        report.matched += created;
      } else if (task.kind === 'sends') {
        if (this.mailServerDown !== null) {
          report.sendsHeld += task.deliveryIds.length;
          return;
        }
        const outcomes = await sendDeliveries(ctx, task.deliveryIds, {
          holdBack: () => this.mailServerDown !== null,
          onOutcome: (outcome) => {
            report.sends.push(outcome);
            this.noteSend(outcome);
          },
        });
        for (const outcome of outcomes)
          if (outcome.status === 'skipped' && outcome.reason === HELD_BACK) report.sendsHeld++;
      } else if (task.kind === 'digests') {
        for (const built of await buildDigests(ctx, task.works))
          if (built.status === 'queued') report.digests++;
      } else {
        const built = await buildAlert(ctx, task.work);
        if (built.status === 'queued') report.digests++;
      }
    };
    const active: Record<Lane, number> = { send: 0, match: 0, build: 0 };
    // Matches and builds share the `other` budget; a build starts only when no match is left.
    // A send step is a group: two at once keep the mail thread busy while one is rendered.
    const sendGroups = Math.min(limits.send, SEND_GROUPS_AT_ONCE);
    const mayStart = (lane: Lane) => {
      if (lane === 'send') return active.send < sendGroups;
      if (active.match + active.build >= limits.other) return false;
      if (lane === 'match') return true;
      // Builds wait while built emails wait to be sent: what is built but unsent is held in
      // memory, and must not grow with the morning's backlog.
      return (
        this.lanes.match.length === 0 &&
        active.match === 0 &&
        this.lanes.send.length < SEND_GROUPS_AT_ONCE
      );
    };
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const pump = () => {
        // Sends first, so built emails leave while more are built.
        for (const lane of ['send', 'match', 'build'] as const) {
          while (!failed && mayStart(lane)) {
            const task = this.lanes[lane].shift();
            if (!task) break;
            active[lane]++;
            run(task).then(
              () => {
                active[lane]--;
                onProgress?.(report, this.waiting);
                pump();
              },
              (error: unknown) => {
                failed = true;
                reject(error);
              },
            );
          }
        }
        if (active.send + active.match + active.build === 0 && this.waiting === 0) resolve();
      };
      pump();
    });
    report.alertsNotDue = this.alertsWaiting.size;
    report.mailServerDown = this.mailServerDown;
    return report;
  }

  /** Counts temporary failures in a row; enough of them, and sending stops for this queue. */
  private noteSend(outcome: SendOutcome): void {
    if (outcome.status === 'sent') this.failuresInARow = 0;
    if (outcome.status !== 'retry') return;
    this.failuresInARow++;
    const limit = this.options.stopSendingAfter;
    if (limit !== undefined && this.failuresInARow >= limit) this.mailServerDown = outcome.error;
  }
}

/** Send groups run at once. */
const SEND_GROUPS_AT_ONCE = 2;

function laneOf(task: Task): Lane {
  if (task.kind === 'sends') return 'send';
  return task.kind === 'match' ? 'match' : 'build';
}
