import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { signBounceTag } from '../../src/domain/bounce-tag.js';
import type { Delivery } from '../../src/domain/delivery.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { listDeliveries } from '../../src/services/sending/deliveries.service.js';
import { makeStory, publish, runDue } from './flow-helpers.js';
import type { TestApp } from './test-app.js';

/*
 * Bounces of our own deliveries, made from helper E's fixtures (test/fixtures/bounces/): each
 * fixture's tags were signed for a delivery and an address of its own; here they are replaced
 * by the tag of a real delivery and its recipient, as the mail server would have sent them.
 */

const FIXTURES = join(import.meta.dirname, '../fixtures/bounces');

/** The address each fixture reports on (the one its tags were signed for). */
export const FIXTURE_RECIPIENT: Record<string, string> = {
  'dsn-postfix-user-unknown.eml': 'ann@example.com',
  'dsn-exchange-mailbox-full.eml': 'bob@example.net',
  'dsn-delayed.eml': 'dave@example.com',
  'arf-abuse.eml': 'heidi@example.net',
  'arf-redacted.eml': 'judy@example.com',
  'ses-bounce.eml': 'ivan@example.org',
  'qmail.eml': 'niaj@example.org',
  'gmail.eml': 'rupert@example.org',
  'forged-dsn.eml': 'ann@example.com',
  'reply.eml': 'yvonne@example.net',
  'auto-reply-out-of-office.eml': 'walter@example.com',
};

export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/**
 * The fixture as a bounce of `delivery`: every tag replaced by the delivery's (signed with
 * `secret` for `signedFor`, the delivery's recipient unless a test forges it) and the address
 * it reports on by `reportedRecipient`.
 */
export function bounceOf(
  name: string,
  secret: Buffer,
  delivery: { id: number; recipient: string },
  options: { signedFor?: string; reportedRecipient?: string; signature?: string } = {},
): Buffer {
  const tag = signBounceTag(secret, delivery.id, options.signedFor ?? delivery.recipient);
  const signature = options.signature ?? tag.slice(tag.indexOf('-') + 1);
  const original = FIXTURE_RECIPIENT[name];
  let text = readFixture(name).toString('latin1');
  text = text
    .replace(/\bd\d{1,15}-[a-z2-7]{16}\b/gi, `d${delivery.id}-${signature}`)
    .replace(/delivery-\d{1,15}\.[a-z2-7]{16}@/gi, `delivery-${delivery.id}.${signature}@`);
  if (original) {
    const escaped = original.replace(/[.+]/g, '\\$&');
    text = text.replace(new RegExp(escaped, 'gi'), options.reportedRecipient ?? delivery.recipient);
  }
  return Buffer.from(text, 'latin1');
}

/** Readers who follow `customs` daily at 07:00 UTC. */
export async function addDailyReaders(t: TestApp, emails: readonly string[]): Promise<void> {
  for (const email of emails) {
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email, topic: 'customs', cadence: 'daily' });
  }
}

/**
 * The daily digests of `day` (YYYY-MM-DD): a customs story published in the night, the 07:00
 * digests built and sent. Returns every delivery made that day, by recipient.
 */
export async function sendDailyDigests(t: TestApp, day: string): Promise<Map<string, Delivery>> {
  const queue = new DirectWorkQueue();
  t.setNow(new Date(`${day}T03:00:00Z`));
  await publish(t.app, queue, [
    makeStory(`c-${day}`, {
      headline: `Customs rules of ${day}`,
      publishedAt: `${day}T02:00:00Z`,
    }),
  ]);
  // Matched in the night, before the digests fall due.
  await runDue(t.app, queue);
  t.setNow(new Date(`${day}T07:30:00Z`));
  await runDue(t.app, new DirectWorkQueue());
  const since = new Date(`${day}T00:00:00Z`);
  const made = await listDeliveries(t.app, { since });
  return new Map(made.map((d) => [d.recipient, d]));
}
