import type { Command } from 'commander';
import { z } from 'zod';
import { parseStoriesText } from '../../domain/story.js';
import { publishStories } from '../../services/publish-story.service.js';
import { listStoriesWithMatches } from '../../services/stories.service.js';
import { flowContextOf, withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { printLine, printListing } from '../output.js';
import { parseOption, parseSince, readInput } from '../parse.js';

export function registerStoryCommands(program: Command): void {
  const stories = program.command('stories').description('stories');

  stories
    .command('publish <file>')
    .description('store stories (a JSON object, array or JSON Lines; - for stdin) and match them')
    .action(async (file: string) => {
      const records = parseStoriesText(readInput(file));
      if (records.length === 0) throw new InputError(`${file}: no story in it`);
      await withApp({ redis: true }, async (app) => {
        const report = await publishStories(flowContextOf(app), records);
        printLine(
          `published ${report.created} new, ${report.updated} updated, ${report.realerted} re-alerted, ${report.rejected.length} rejected`,
        );
        for (const r of report.rejected)
          process.stderr.write(`${file}: ${r.position}: ${r.error}\n`);
        if (report.rejected.length > 0) {
          throw new InputError(
            `${report.rejected.length} record(s) rejected; the others were published`,
          );
        }
      });
    });

  stories
    .command('list')
    .description('stored stories, newest first, with how many readers each was matched to')
    .option('--since <when>', 'a duration back (30d) or an ISO date')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'one JSON array')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulletin stories list --since 7d\n  $ bulletin stories list --json | head -1\n',
    )
    .action(async (opts: { since?: string; limit: string; json?: boolean }) => {
      const limit = parseOption('--limit', opts.limit, z.coerce.number().int().min(1).max(100_000));
      await withApp({}, async (app) => {
        const since = parseSince('--since', opts.since, app.now());
        const rows = (
          await listStoriesWithMatches(app, { ...(since ? { since } : {}), limit })
        ).map((s) => ({
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
