import { recordMarketingConsent } from '../../db/repositories/campaign-audience.repository.js';
import type { App } from '../../src/app.js';
import { sendContextOf } from '../../src/app.js';
import type { Plan } from '../../src/domain/reader.js';
import type {
  CampaignContext,
  CampaignQueue,
} from '../../src/services/campaigns/campaign-queue.js';
import {
  runCampaignStep,
  type StepReport,
} from '../../src/services/campaigns/campaign-step.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import {
  type SendOutcome,
  sendDelivery,
} from '../../src/services/sending/send-delivery.service.js';

/**
 * A {@link CampaignQueue} in this process, for tests that drive campaigns step by step: the
 * steps and sends the services hand on are recorded, and run when the test says.
 */
export class InProcessCampaignQueue implements CampaignQueue {
  readonly stepping = new Set<number>();
  readonly toSend: number[] = [];
  digestSendsWaiting = 0;
  async startSteps(campaignId: number) {
    this.stepping.add(campaignId);
  }
  async stopSteps(campaignId: number) {
    this.stepping.delete(campaignId);
  }
  async sendInvitations(deliveryIds: readonly number[]) {
    // As the job id does: a hand-on of a delivery already waiting is dropped.
    for (const id of deliveryIds) if (!this.toSend.includes(id)) this.toSend.push(id);
  }
  async countWaitingInvitations() {
    return this.toSend.length;
  }
  async countWaitingDigestSends() {
    return this.digestSendsWaiting;
  }
}

export function campaignContext(app: App, queue: InProcessCampaignQueue) {
  return { ...sendContextOf(app), campaigns: queue } satisfies CampaignContext;
}

/** Sends what the steps handed on, in order. */
export async function sendHandedOn(
  ctx: ReturnType<typeof campaignContext>,
  queue: InProcessCampaignQueue,
): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  while (queue.toSend.length > 0) {
    const id = queue.toSend.shift() as number;
    outcomes.push(await sendDelivery(ctx, id));
  }
  return outcomes;
}

/** Steps every campaign still stepping and sends what they hand on, until all have stopped. */
export async function runCampaignsToEnd(
  ctx: ReturnType<typeof campaignContext>,
  queue: InProcessCampaignQueue,
  maxSteps = 200,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (let i = 0; i < maxSteps && queue.stepping.size > 0; i++) {
    for (const id of [...queue.stepping]) reports.push(await runCampaignStep(ctx, id));
    await sendHandedOn(ctx, queue);
  }
  if (queue.stepping.size > 0) throw new Error(`campaigns still stepping after ${maxSteps} steps`);
  return reports;
}

/** A reader, with marketing consent on record (source and time) unless `consent` is false. */
export async function addProspect(
  app: App,
  email: string,
  options: {
    plan?: Plan;
    trialEndsAt?: Date | null;
    consent?: boolean | 'flag-only';
    name?: string;
  } = {},
): Promise<void> {
  await saveReader(app, {
    email,
    name: options.name ?? null,
    plan: options.plan ?? 'prospect',
    trialEndsAt: options.trialEndsAt ?? null,
    tz: 'UTC',
    marketingConsent: options.consent !== false,
  });
  const consent = options.consent ?? true;
  if (consent === true)
    await recordMarketingConsent(
      app.db,
      email,
      { source: 'signup-form', at: new Date('2026-10-01T00:00:00Z') },
      app.now(),
    );
}
