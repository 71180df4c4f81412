import { buildAlert, buildDigest } from '../src/services/build-digest.service.js';
import type { FlowContext, SendContext } from '../src/services/context.js';
import { matchStory } from '../src/services/match-story.service.js';
import type { RuleCatalog } from '../src/services/rule-catalog.js';
import { type SendOutcome, sendDelivery } from '../src/services/send-delivery.service.js';
import type {
  BuildAlertWork,
  BuildDigestWork,
  MatchStoryWork,
  SendDeliveryWork,
  WorkQueue,
} from '../src/services/work-queue.js';

type Task =
  | { kind: 'match'; work: MatchStoryWork }
  | { kind: 'digest'; work: BuildDigestWork }
  | { kind: 'alert'; work: BuildAlertWork }
  | { kind: 'send'; work: SendDeliveryWork };

export interface DrainReport {
  matched: number;
  digests: number;
  sends: SendOutcome[];
  /** Alerts still inside their batching window: left for the workers. */
  alertsNotDue: number;
}

/**
 * A {@link WorkQueue} that runs the flow in this process, for `bulletin digests run`: the
 * same services the workers call, without Redis. Work is deduplicated like the job ids do.
 */
export class DirectWorkQueue implements WorkQueue {
  private readonly tasks: Task[] = [];
  private readonly seen = new Set<string>();

  private push(key: string, task: Task): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.tasks.push(task);
  }

  async matchStory(work: MatchStoryWork) {
    this.push(`m${work.storyId}.${work.revision}`, { kind: 'match', work });
  }
  async buildDigest(work: BuildDigestWork) {
    this.push(`d${work.readerId}.${work.cadence}.${work.periodKey}`, { kind: 'digest', work });
  }
  async buildAlert(work: BuildAlertWork, delayMs: number) {
    if (delayMs > 0) {
      this.alertsNotDue++;
      return;
    }
    this.push(`a${work.readerId}.${work.dueAt}`, { kind: 'alert', work });
  }
  async sendDelivery(work: SendDeliveryWork) {
    this.push(`s${work.deliveryId}`, { kind: 'send', work });
  }

  private alertsNotDue = 0;

  /** Runs queued work, and the work it hands on, until none is left. */
  async drain(ctx: FlowContext & SendContext, catalog: RuleCatalog): Promise<DrainReport> {
    const report: DrainReport = { matched: 0, digests: 0, sends: [], alertsNotDue: 0 };
    for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
      if (task.kind === 'match')
        report.matched += (await matchStory(ctx, catalog, task.work)).created;
      else if (task.kind === 'digest')
        report.digests += (await buildDigest(ctx, task.work)).status === 'queued' ? 1 : 0;
      else if (task.kind === 'alert')
        report.digests += (await buildAlert(ctx, task.work)).status === 'queued' ? 1 : 0;
      else report.sends.push(await sendDelivery(ctx, task.work.deliveryId));
    }
    report.alertsNotDue = this.alertsNotDue;
    return report;
  }
}
