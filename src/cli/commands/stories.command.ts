import type { Command } from 'commander';
import type { App } from '../../app.js';
import { showControlCharacters } from '../../domain/clean-text.js';
import { readStoryRecords } from '../../domain/story-stream.js';
import {
  countStories,
  listStoriesWithMatches,
  type PublishCounts,
  publishStoryStream,
} from '../../services/stories/index.js';
import { flowContextOf, startStoryParsing, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { type InputLines, openInputLines } from '../input-stream.js';
import { printLine, printListing, readUpTo } from '../output.js';
import { type LimitOptions, parseSince, readLimit, withLimitOptions } from '../parse.js';
import { startProgress } from '../progress.js';

/** Stories a listing shows unless told otherwise. */
const STORIES_SHOWN = 100;

export function registerStoryCommands(program: Command): void {
  const stories = program.command('stories').description('stories');

  stories
    .command('publish <file>')
    .description('store stories (a JSON object, array or JSON Lines; - for stdin) and match them')
    .action(async (file: string) => {
      const input = openInputLines(file);
      await withApp({ redis: true }, async (app) => {
        const counts = await publishFromLines(app, file, input);
        const stored = counts.created + counts.updated + counts.realerted + counts.unchanged;
        printLine(describeCounts(counts));
        if (stored + counts.rejected === 0) throw new InputError(`${file}: no story in it`);
        if (counts.rejected > 0) {
          throw new InputError(
            `${counts.rejected} record(s) rejected; ${
              stored === 0 ? 'no story was stored' : `the other ${stored} stored`
            }`,
          );
        }
      });
    });

  withLimitOptions(
    stories
      .command('list')
      .description('stored stories, newest first, with how many readers each was matched to')
      .option('--since <when>', 'a duration back (30d) or an ISO date'),
    STORIES_SHOWN,
    'stories',
  )
    .option('--json', 'one JSON array')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulletin stories list --since 7d\n  $ bulletin stories list --json | head -1\n',
    )
    .action(async (opts: LimitOptions & { since?: string; json?: boolean }) => {
      const limit = readLimit(opts, STORIES_SHOWN);
      await withApp({}, async (app) => {
        const since = parseSince('--since', opts.since, app.now());
        const filter = since ? { since } : {};
        const stored = await readUpTo(
          limit,
          'stories',
          (n) => listStoriesWithMatches(app, { ...filter, limit: n }),
          () => countStories(app, filter),
        );
        const rows = stored.map((s) => ({
          id: s.externalId,
          url: s.url,
          headline: s.headline,
          publishedAt: s.publishedAt.toISOString(),
          access: s.access,
          section: s.section,
          tags: s.tags,
          revision: s.revision,
          matchedReaders: s.matchedReaders,
        }));
        printListing(rows, Boolean(opts.json), [
          { header: 'ID', value: (r) => r.id },
          { header: 'PUBLISHED', value: (r) => r.publishedAt },
          { header: 'ACCESS', value: (r) => r.access },
          { header: 'MATCHED', value: (r) => r.matchedReaders },
          { header: 'HEADLINE', value: (r) => r.headline },
        ]);
      });
    });
}

/** Files from this size on show a progress bar (on a terminal): smaller ones are done at once. */
const PROGRESS_FROM_BYTES = 4 * 1024 * 1024;
/**
 * Files from this size on are checked and cleaned in worker threads while this one stores:
 * starting the threads (about a third of a second) pays off only on long files.
 */
const PARALLEL_FROM_BYTES = 4 * 1024 * 1024;

/** Publishes the stories of a file as they are read, saying each rejection as it is found. */
async function publishFromLines(app: App, file: string, input: InputLines): Promise<PublishCounts> {
  const progress =
    input.size !== null && input.size >= PROGRESS_FROM_BYTES
      ? startProgress('publishing (MB)')
      : null;
  const megabytes = (bytes: number) => Math.round(bytes / (1024 * 1024));
  const say = (text: string) => process.stderr.write(`${showControlCharacters(text)}\n`);
  const parsing =
    input.size !== null && input.size >= PARALLEL_FROM_BYTES ? startStoryParsing(app) : null;
  try {
    return await publishStoryStream(
      flowContextOf(app),
      readStoryRecords(input.lines, { now: app.now() }, parsing?.parse),
      {
        onRejected: (rejection) => say(`${file}: ${rejection.position}: ${rejection.error}`),
        onDuplicate: (duplicate) =>
          say(
            `${file}: ${duplicate.replacedBy}: story ${duplicate.id} was given before (${duplicate.position}); the later one is kept`,
          ),
        onBatchStored: () =>
          progress?.update(megabytes(input.bytesRead()), megabytes(input.size ?? 0)),
      },
    );
  } finally {
    progress?.stop();
    await parsing?.close();
  }
}

/** `published 3 new, 1 updated, 0 re-alerted, 2 unchanged, 1 rejected, 1 duplicate`. */
function describeCounts(counts: PublishCounts): string {
  return [
    `published ${counts.created} new`,
    `${counts.updated} updated`,
    `${counts.realerted} re-alerted`,
    `${counts.unchanged} unchanged`,
    `${counts.rejected} rejected`,
    `${counts.duplicates} duplicate${counts.duplicates === 1 ? '' : 's'}`,
  ].join(', ');
}
