import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import type { CampaignQueue } from '../src/services/campaigns/index.js';
import { bullPrefix, CAMPAIGN_QUEUE, JOB, jobId, QUEUE } from './queue-names.js';

/** A campaign's step runs this often; each hands on at most the campaign's rate. */
export const CAMPAIGN_STEP_MS = 1000;

const STEP_JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 1 };

export interface OpenCampaignQueue {
  campaigns: CampaignQueue;
  /** The BullMQ queue itself, for the administrator's views (status, dashboard). */
  queue: Queue;
  close(): Promise<void>;
}

/**
 * The campaign queue: one BullMQ job scheduler per sending campaign (`campaign.{id}`, every
 * second, kept in Redis so it survives worker restarts) and the invitations' send jobs
 * (`invite.{delivery}`, deduplicated while waiting). A queue of its own, with its own workers,
 * so a campaign's jobs never stand in front of a digest's in the send queue.
 */
export function openCampaignQueue(
  connection: ConnectionOptions,
  options: { queuePrefix: string; sendAttempts: number; sendRetryDelayMs: number },
  onRedisError: (error: Error) => void,
): OpenCampaignQueue {
  const prefix = bullPrefix(options.queuePrefix);
  const queue = new Queue(CAMPAIGN_QUEUE, { connection, prefix });
  // Read-only: how many digest sends wait, so campaigns give way to them.
  const sendQueue = new Queue(QUEUE.send, { connection, prefix });
  queue.on('error', onRedisError);
  sendQueue.on('error', onRedisError);
  const campaigns: CampaignQueue = {
    async startSteps(campaignId) {
      const id = jobId.campaignSteps(campaignId);
      // Re-upserting an existing scheduler would move its next run: leave one alone.
      if (await queue.getJobScheduler(id)) return;
      await queue.upsertJobScheduler(
        id,
        { every: CAMPAIGN_STEP_MS },
        { name: JOB.campaignStep, data: { campaignId }, opts: STEP_JOB_OPTIONS },
      );
    },
    async stopSteps(campaignId) {
      await queue.removeJobScheduler(jobId.campaignSteps(campaignId));
    },
    async sendInvitations(deliveryIds) {
      if (deliveryIds.length === 0) return;
      await queue.addBulk(
        deliveryIds.map((deliveryId) => ({
          name: JOB.sendInvitation,
          data: { deliveryId },
          opts: {
            jobId: jobId.sendInvitation(deliveryId),
            removeOnComplete: true,
            removeOnFail: true,
            // The delivery row counts attempts and decides when to give up; BullMQ only paces.
            attempts: options.sendAttempts,
            backoff: { type: 'exponential', delay: options.sendRetryDelayMs },
          },
        })),
      );
    },
    async countWaitingInvitations() {
      return queue.getWaitingCount();
    },
    async countWaitingDigestSends() {
      return sendQueue.getWaitingCount();
    },
  };
  return {
    campaigns,
    queue,
    async close() {
      await Promise.all([queue.close(), sendQueue.close()]);
    },
  };
}
