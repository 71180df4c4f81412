import type { ServiceContext } from '../context.js';

/**
 * Where campaigns hand their work: a step a second per sending campaign, and the sends it
 * hands on. Workers implement it with a BullMQ queue of its own (`jobs/campaign-queue.ts`),
 * beside the digest send queue; tests may implement it in-process.
 */
export interface CampaignQueue {
  /** Runs the campaign's step once a second until it is stopped; starting twice is harmless. */
  startSteps(campaignId: number): Promise<void>;
  stopSteps(campaignId: number): Promise<void>;
  /** Sends these invitations' deliveries (handing one on twice is harmless). */
  sendInvitations(deliveryIds: readonly number[]): Promise<void>;
  /** Invitations handed on and not yet taken by a worker: a step tops them up to its rate. */
  countWaitingInvitations(): Promise<number>;
  /** Digest and alert sends waiting for the mail transport: campaigns give way to them. */
  countWaitingDigestSends(): Promise<number>;
}

export interface CampaignContext extends ServiceContext {
  campaigns: CampaignQueue;
}
