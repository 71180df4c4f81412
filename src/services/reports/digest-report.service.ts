import {
  countDigestDeliveriesByDay,
  countDigestsDueByDay,
  type DigestDayCounts,
} from '../../../db/repositories/report-digest.repository.js';
import { listStories } from '../../../db/repositories/story.repository.js';
import { evaluateRule, parseRule, tokenizeStory } from '../../domain/rules/index.js';
import type { ServiceContext } from '../context.js';
import { type DaySeries, figuresByDay } from '../kept-days.js';
import { listTopics } from '../topics/index.js';
import { daysOfWindow, type ReportWindow, windowEnding } from './report-window.js';

type DigestDay = DigestDayCounts & { due: number };

/** Each day's digests due and their emails by outcome; final once none is waiting or sending. */
function digestRunSeries(ctx: ServiceContext): DaySeries<DigestDay> {
  const empty = (): DigestDay => ({
    due: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    suppressed: 0,
    firstSentAt: null,
    lastSentAt: null,
  });
  return {
    name: 'digest-runs',
    empty,
    async count(window) {
      const due = await countDigestsDueByDay(ctx.db, window);
      const mail = await countDigestDeliveriesByDay(ctx.db, window);
      const days = new Map<string, DigestDay>();
      for (const day of new Set([...due.keys(), ...mail.keys()]))
        days.set(day, { ...empty(), ...mail.get(day), due: due.get(day) ?? 0 });
      return days;
    },
    settled: (day) => day.queued === 0 && day.sending === 0,
    toJson: (day) => JSON.stringify(day),
    fromJson(json) {
      const day = JSON.parse(json) as DigestDay;
      const date = (value: Date | string | null) => (value === null ? null : new Date(value));
      return { ...day, firstSentAt: date(day.firstSentAt), lastSentAt: date(day.lastSentAt) };
    },
  };
}

/** One UTC day's scheduled digests (daily and weekly) and what became of their emails. */
export interface DigestRun {
  day: string;
  /** Digests that fell due (made that day), an empty one included. */
  due: number;
  sent: number;
  failed: number;
  /** Left `sending`: the outcome is unknown until `deliveries resolve` settles it. */
  unknown: number;
  /** Not sent because the address is suppressed. */
  suppressed: number;
  /** Still waiting to be sent. */
  queued: number;
  firstSentAt: Date | null;
  lastSentAt: Date | null;
  /** From the first send to the last, in seconds; null before anything was sent. */
  spanSeconds: number | null;
}

/** A topic, its followers and the stories its query matched in the last 30 days. */
export interface TopicActivity {
  slug: string;
  name: string;
  followers: number;
  storiesMatched: number;
}

export interface DigestsReport {
  window: ReportWindow;
  /** Newest first. */
  runs: DigestRun[];
  /** Most followed first. */
  topics: TopicActivity[];
  topicWindow: ReportWindow;
}

/** How far back a topic's matches are counted. */
export const TOPIC_MATCH_DAYS = 30;

/**
 * Each day's digest run over the last `days` days, and every topic with its followers (as
 * `topics list`) and the stories published in the last 30 days its query matches (as
 * `topics show SLUG`'s `matchesLast30Days`: the same rule evaluation, each story read once
 * for every topic).
 */
export async function reportDigests(
  ctx: ServiceContext,
  options: { days: number },
): Promise<DigestsReport> {
  const now = ctx.now();
  const window = windowEnding(now, options.days);
  const byDay = await figuresByDay(ctx, digestRunSeries(ctx), window);
  const runs = daysOfWindow(window)
    .reverse()
    .map((day): DigestRun => {
      const mail = byDay.get(day);
      const first = mail?.firstSentAt ?? null;
      const last = mail?.lastSentAt ?? null;
      return {
        day,
        due: mail?.due ?? 0,
        sent: mail?.sent ?? 0,
        failed: mail?.failed ?? 0,
        unknown: mail?.sending ?? 0,
        suppressed: mail?.suppressed ?? 0,
        queued: mail?.queued ?? 0,
        firstSentAt: first,
        lastSentAt: last,
        spanSeconds: first && last ? Math.round((last.getTime() - first.getTime()) / 1000) : null,
      };
    });
  const { topics, window: topicWindow } = await reportTopicActivity(ctx);
  return { window, runs, topics, topicWindow };
}

/** Every topic, most followed first, with the stories its query matched in the last 30 days. */
export async function reportTopicActivity(
  ctx: ServiceContext,
): Promise<{ topics: TopicActivity[]; window: ReportWindow }> {
  const window = windowEnding(ctx.now(), TOPIC_MATCH_DAYS);
  const topics = await listTopics(ctx);
  const stories = (await listStories(ctx.db, { since: window.since })).map(tokenizeStory);
  const activity = topics
    .map((topic) => {
      const parsed = parseRule(topic.query);
      const matched = parsed.ok ? stories.filter((story) => evaluateRule(parsed.rule, story)) : [];
      return {
        slug: topic.slug,
        name: topic.name,
        followers: topic.followers,
        storiesMatched: matched.length,
      };
    })
    .sort((a, b) => b.followers - a.followers || a.slug.localeCompare(b.slug));
  return { topics: activity, window };
}
