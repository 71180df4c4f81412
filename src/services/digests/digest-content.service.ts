import type { Db } from '../../../db/connection.js';
import {
  type ClaimedMatch,
  findBuiltDigests,
} from '../../../db/repositories/digest-batch.repository.js';
import {
  capDigestStories,
  type DigestContent,
  type DigestStory,
  groupDigestStories,
  type StoryGroup,
  sortNewestFirst,
} from '../../domain/digest-content.js';
import type { Cadence } from '../../domain/subscription.js';
import { readTopicNames } from '../shared-reads.js';
import { type BuiltDigest, takeBuiltDigest } from './built-digest-memo.js';
import { readDigestStories, readSubscriptionLabels } from './digest-story-cache.js';

/** Loads the stories of a set of matches and groups them as {@link groupDigestStories} does. */
export async function groupMatchedStories(
  db: Db,
  matches: readonly { storyId: number; subscriptionIds: number[] }[],
): Promise<StoryGroup[]> {
  const assembled = await assembleDigests(
    db,
    matches.map((m) => ({ ...m, digestId: 0 })),
    Number.POSITIVE_INFINITY,
    true,
  );
  return assembled.get(0)?.groups ?? [];
}

/** A digest's stories as its email shows them. */
export interface AssembledDigest {
  /** Publisher ids of every story it holds, shown or not, newest first. */
  storyIds: string[];
  /** At most `maxStories` of them, grouped. */
  groups: StoryGroup[];
  /** Stories it holds that the email leaves out, counted in its "and N more". */
  omitted: number;
}

/**
 * The content of many digests from their matches, with a few reads for all of them: their
 * stories (without bodies) and the subscriptions' topics, each read once for the group. Each
 * digest keeps the `maxStories` newest in its groups and counts the rest.
 */
export async function assembleDigests(
  db: Db,
  matches: readonly ClaimedMatch[],
  maxStories: number,
  /** Read the stories from the database, not as read a moment ago (a build, a preview). */
  freshStories: boolean,
): Promise<Map<number, AssembledDigest>> {
  const byDigest = new Map<number, ClaimedMatch[]>();
  for (const match of matches) {
    const list = byDigest.get(match.digestId);
    if (list) list.push(match);
    else byDigest.set(match.digestId, [match]);
  }
  const assembled = new Map<number, AssembledDigest>();
  if (byDigest.size === 0) return assembled;
  const stories = await readDigestStories(
    db,
    [...new Set(matches.map((m) => m.storyId))],
    freshStories,
  );
  const subscriptions = await readSubscriptionLabels(db, [
    ...new Set(matches.flatMap((m) => m.subscriptionIds)),
  ]);
  const topicNames = await readTopicNames(db);
  for (const [digestId, own] of byDigest) {
    // A story deleted since it matched is left out.
    const held = own.flatMap((m) => stories.get(m.storyId) ?? []) as DigestStory[];
    const matchedBy = new Map(own.map((m) => [m.storyId, m.subscriptionIds]));
    const groups = groupDigestStories(held, matchedBy, subscriptions, topicNames);
    const capped =
      held.length > maxStories ? capDigestStories(groups, maxStories) : { groups, omitted: 0 };
    assembled.set(digestId, {
      storyIds: sortNewestFirst(held).map((s) => s.externalId),
      groups: capped.groups,
      omitted: capped.omitted,
    });
  }
  return assembled;
}

/**
 * Loads a built digest as email content for a reader in `timeZone`: as its build in this
 * process left it (see built-digest-memo.ts), or from the database.
 */
export async function loadDigestContent(
  db: Db,
  digestId: number,
  timeZone: string,
  maxStories = Number.POSITIVE_INFINITY,
): Promise<DigestContent | undefined> {
  return (await loadDigestContents(db, [{ digestId, timeZone }], maxStories)).get(digestId);
}

/**
 * Loads many built digests at once (a group's sends): those its build in this process left
 * (see built-digest-memo.ts) as they are, the others from the database in a few reads for all.
 */
export async function loadDigestContents(
  db: Db,
  wanted: readonly { digestId: number; timeZone: string }[],
  maxStories: number,
): Promise<Map<number, DigestContent>> {
  const built = new Map<number, BuiltDigest>();
  const missing: number[] = [];
  for (const { digestId } of wanted) {
    const memo = takeBuiltDigest(db, digestId);
    if (memo) built.set(digestId, memo);
    else missing.push(digestId);
  }
  for (const [digestId, digest] of await readBuiltDigests(db, missing, maxStories))
    built.set(digestId, digest);
  const contents = new Map<number, DigestContent>();
  for (const { digestId, timeZone } of wanted) {
    const digest = built.get(digestId);
    if (!digest) continue;
    contents.set(digestId, {
      kind: digest.cadence === 'instant' ? 'alert' : 'digest',
      cadence: digest.cadence,
      periodStart: digest.periodStart,
      periodEnd: digest.periodEnd,
      timeZone,
      groups: digest.groups,
      omitted: digest.omitted,
    });
  }
  return contents;
}

async function readBuiltDigests(
  db: Db,
  digestIds: readonly number[],
  maxStories: number,
): Promise<Map<number, BuiltDigest>> {
  const found = new Map<number, BuiltDigest>();
  if (digestIds.length === 0) return found;
  // The digests and their matches in one read; the stories and topics as read a moment ago.
  const { digests, matches } = await findBuiltDigests(db, digestIds);
  const assembled = await assembleDigests(db, matches, maxStories, false);
  for (const digest of digests) {
    const content = assembled.get(digest.id);
    found.set(digest.id, {
      cadence: digest.cadence as Cadence,
      periodStart: digest.periodStart.toISOString(),
      periodEnd: digest.periodEnd.toISOString(),
      groups: content?.groups ?? [],
      omitted: content?.omitted ?? 0,
    });
  }
  return found;
}
