import type { Command } from 'commander';
import { z } from 'zod';
import { parseDuration } from '../../config/duration.js';
import { maskUrlPassword } from '../../config/redact.js';
import { type Feed, formatInterval } from '../../domain/feed.js';
import {
  addFeed,
  countFeeds,
  type FeedPollReport,
  listFeeds,
  pollFeed,
  removeFeed,
  scheduleAllFeeds,
} from '../../services/stories/index.js';
import { feedContextOf, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { LISTED, printLine, printListing, readUpTo } from '../output.js';
import { type LimitOptions, parseOption, readLimit, withLimitOptions } from '../parse.js';

const idSchema = z.coerce.number().int('not a feed id').positive('not a feed id');

/** `bulletin feeds …`: the RSS and Atom feeds polled for stories. */
export function registerFeedCommands(program: Command): void {
  const feeds = program.command('feeds').description('RSS and Atom feeds polled for stories');

  feeds
    .command('add <url>')
    .description('poll a feed; prints its id last')
    .option('--every <interval>', 'how often to poll it (90s, 5m, 1h)', '5m')
    .option('--section <section>', 'the section of its stories')
    .option('--access <access>', 'subscriber (paywalled) or free', 'subscriber')
    .option('--tag <tag>', 'a tag for every story (repeat for more)', collect, [])
    .action(
      async (
        url: string,
        opts: { every: string; section?: string; access: string; tag: string[] },
      ) => {
        const everyMs = parseDuration(opts.every);
        if (everyMs === null)
          throw new InputError(`--every: not an interval like 5m or 1h (got "${opts.every}")`);
        const access = parseOption(
          '--access',
          opts.access,
          z.enum(['subscriber', 'free'], { error: 'must be subscriber or free' }),
        );
        await withApp({ redis: true }, async (app) => {
          const ctx = feedContextOf(app);
          try {
            const feed = await addFeed(ctx, {
              url,
              everyMs,
              section: opts.section,
              access,
              tags: opts.tag,
            });
            printLine(
              `added feed ${maskUrlPassword(feed.url)}, polled every ${formatInterval(feed.everyMs)}: ${feed.id}`,
            );
          } finally {
            await ctx.close();
          }
        });
      },
    );

  withLimitOptions(feeds.command('list'), LISTED, 'feeds')
    .option('--json', 'one JSON array')
    .action(async (opts: LimitOptions & { json?: boolean }) => {
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'feeds',
          (n) => listFeeds(app, { limit: n }),
          () => countFeeds(app),
        );
        const rows = found.map(toRow);
        printListing(rows, Boolean(opts.json), [
          { header: 'ID', value: (r) => r.id },
          { header: 'EVERY', value: (r) => r.every },
          { header: 'URL', value: (r) => r.url },
          { header: 'LAST POLLED', value: (r) => r.lastPolledAt },
          {
            header: 'LAST ERROR',
            value: (r) => (r.lastError ? `${r.lastErrorAt}: ${r.lastError}` : null),
          },
        ]);
      });
    });

  feeds.command('remove <id>').action(async (id: string) => {
    const feedId = parseOption('ID', id, idSchema);
    await withApp({ redis: true }, async (app) => {
      const ctx = feedContextOf(app);
      try {
        await removeFeed(ctx, feedId);
        printLine(`removed feed ${feedId}; its stories stay`);
      } finally {
        await ctx.close();
      }
    });
  });

  feeds
    .command('poll [id]')
    .description('poll one feed, or every feed, once, now')
    .action(async (id: string | undefined) => {
      const feedId = id === undefined ? undefined : parseOption('ID', id, idSchema);
      await withApp({ redis: true }, async (app) => {
        const ctx = feedContextOf(app);
        try {
          const ids = feedId !== undefined ? [feedId] : (await listFeeds(app)).map((f) => f.id);
          // Every feed's schedule is declared again, for a Redis that came back empty.
          if (feedId === undefined) await scheduleAllFeeds(ctx);
          let failed = 0;
          for (const each of ids) {
            const report = await pollFeed(ctx, each);
            if (report.status === 'failed') failed++;
            printLine(describePoll(report));
          }
          if (ids.length === 0) printLine('no feeds: add one with feeds add');
          if (failed > 0) {
            process.exitCode = 1;
            process.stderr.write(`bulletin: ${failed} feed(s) failed; feeds list shows why\n`);
          }
        } finally {
          await ctx.close();
        }
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A feed as listed: a password in its URL (or in an error naming it) is masked. */
function toRow(feed: Feed) {
  return {
    id: feed.id,
    url: maskUrlPassword(feed.url),
    every: formatInterval(feed.everyMs),
    section: feed.section,
    access: feed.access,
    tags: feed.tags,
    lastPolledAt: feed.lastPolledAt?.toISOString() ?? null,
    lastSuccessAt: feed.lastSuccessAt?.toISOString() ?? null,
    lastError: feed.lastError === null ? null : maskUrlPassword(feed.lastError),
    lastErrorAt: feed.lastErrorAt?.toISOString() ?? null,
    createdAt: feed.createdAt.toISOString(),
  };
}

function describePoll(report: FeedPollReport): string {
  const head = `feed ${report.feedId} (${maskUrlPassword(report.url)})`;
  if (report.status === 'not-modified') return `${head}: not modified`;
  if (report.status === 'failed')
    return [
      `${head}: failed: ${report.error}`,
      ...(report.rejected ?? []).map((r) => `  ${r.position}: ${r.error}`),
    ].join('\n');
  const lines = [
    `${head}: ${report.items} items, ${report.created} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected`,
    ...report.rejected.map((r) => `  ${r.position}: ${r.error}`),
  ];
  return lines.join('\n');
}
