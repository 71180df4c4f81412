import { type ParsedMail, simpleParser } from 'mailparser';
import { DirectWorkQueue, type DrainReport } from '../../jobs/direct-work-queue.js';
import { type App, sendContextOf } from '../../src/app.js';
import type { StoryInput } from '../../src/domain/story.js';
import { parseStoriesText } from '../../src/domain/story.js';
import { runScheduleTick } from '../../src/services/digests/schedule-tick.service.js';
import {
  type PublishReport,
  publishStories,
} from '../../src/services/stories/publish-story.service.js';
import { RuleCatalog } from '../../src/services/topics/rule-catalog.js';
import type { ReceivedMail } from './smtp-test-server.js';

/** A story in the publisher's format, with defaults for what a test does not care about. */
export function makeStory(id: string, overrides: Partial<StoryInput> = {}): StoryInput {
  return {
    id,
    url: `https://brief.example/stories/${id}`,
    headline: `Story ${id}`,
    summary: `Summary of ${id}.`,
    body: '',
    section: null,
    tags: [],
    publishedAt: '2026-11-27T09:00:00Z',
    access: 'subscriber',
    realert: false,
    ...overrides,
  };
}

/** Publishes stories through the same service the CLI uses, handing work to `queue`. */
export async function publish(
  app: App,
  queue: DirectWorkQueue,
  stories: StoryInput[],
): Promise<PublishReport> {
  const records = parseStoriesText(JSON.stringify(stories));
  return publishStories({ ...app, queue }, records);
}

/** What `bulletin digests run` does: a tick, then every piece of work it hands on. */
export async function runDue(app: App, queue = new DirectWorkQueue()): Promise<DrainReport> {
  const ctx = { ...sendContextOf(app), queue };
  await runScheduleTick(ctx, { pendingAlertsBefore: app.now() });
  return queue.drain(ctx, new RuleCatalog(app.db, app.log));
}

export async function parseReceived(mail: ReceivedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw);
}
