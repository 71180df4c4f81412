import { createHash } from 'node:crypto';

/** Queue names and job names: one place, so producers and workers never disagree. */
export const QUEUE = {
  /** Match a stored story against every rule. */
  ingest: 'ingest',
  /** Build digests and alerts. */
  digest: 'digest',
  /** Send one delivery through the mail transport (rate-limited). */
  send: 'send',
  /** The scheduler's minute tick. */
  schedule: 'schedule',
  /** Poll one RSS or Atom feed (a job scheduler per feed). */
  feeds: 'feeds',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Campaign steps and the invitations they hand on: a queue apart from digest sends. */
export const CAMPAIGN_QUEUE = 'campaign';

/** The IMAP bounce mailbox's poll (BOUNCE_IMAP_URL): a queue of its own, one poll at a time. */
export const BOUNCE_MAILBOX_QUEUE = 'bounce-mailbox';

/** The daily retention prune (RETENTION): a queue of its own, one prune at a time. */
export const RETENTION_QUEUE = 'retention';

export const JOB = {
  matchStory: 'match-story',
  matchStories: 'match-stories',
  buildDigest: 'build-digest',
  buildDigests: 'build-digests',
  buildAlert: 'build-alert',
  sendDelivery: 'send-delivery',
  tick: 'tick',
  pollFeed: 'poll-feed',
  campaignStep: 'campaign-step',
  sendInvitation: 'send-invitation',
  pollBounceMailbox: 'poll-bounce-mailbox',
  pruneOldData: 'prune-old-data',
} as const;

/** The one job scheduler: any number of processes may upsert it, Redis keeps one. */
export const TICK_SCHEDULER_ID = 'minute-tick';

/** The bounce mailbox's job scheduler: one poll a minute however many schedulers upsert it. */
export const BOUNCE_MAILBOX_SCHEDULER_ID = 'bounce-mailbox-poll';

/** The retention prune's job scheduler: once a day however many schedulers upsert it. */
export const RETENTION_SCHEDULER_ID = 'retention-daily';

/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every queue of this
 * installation lands in one slot, as BullMQ requires for its multi-key scripts.
 */
export function bullPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}

/** Deterministic job ids (BullMQ forbids `:` in them): a second hand-on of the same work is dropped. */
export const jobId = {
  matchStory: (storyId: number, revision: number) => `match.${storyId}.${revision}`,
  /** Named by its first story and its size: the same batch handed on twice is one job. */
  matchStories: (first: { storyId: number; revision: number }, count: number) =>
    `matches.${first.storyId}.${first.revision}.${count}`,
  buildDigest: (readerId: number, cadence: string, periodKey: string) =>
    `digest.${readerId}.${cadence}.${periodKey}`,
  /** A group is named by what it holds: the same group handed on twice runs once. */
  buildDigests: (works: readonly { readerId: number; cadence: string; periodKey: string }[]) =>
    `digests.${createHash('sha1')
      .update(works.map((w) => `${w.readerId}.${w.cadence}.${w.periodKey}`).join(','))
      .digest('hex')}`,
  buildAlert: (readerId: number, dueAt: string) => `alert.${readerId}.${Date.parse(dueAt)}`,
  sendDelivery: (deliveryId: number) => `send.${deliveryId}`,
  sendInvitation: (deliveryId: number) => `invite.${deliveryId}`,
  /** The job scheduler that runs one campaign's step every second. */
  campaignSteps: (campaignId: number) => `campaign.${campaignId}`,
};
