import type { Command } from 'commander';
import { describeRule } from '../../domain/rules/index.js';
import {
  addTopic,
  backtestRule,
  changeTopic,
  countTopics,
  listTopics,
  parseQueryOrThrow,
  removeTopic,
  requireTopic,
  showTopic,
} from '../../services/topics/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { countOf } from '../help.js';
import { formatJson, LISTED, printLine, printListing, readUpTo } from '../output.js';
import {
  type LimitOptions,
  parseOption,
  parseSince,
  readLimit,
  slugSchema,
  withLimitOptions,
} from '../parse.js';
import { registerTopicTransferCommands } from './topics-transfer.command.js';

export function registerTopicCommands(program: Command): void {
  const topics = program.command('topics').description('topics: named queries that readers follow');

  topics
    .command('add <slug>')
    .description('add a topic')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--query <q>', 'the rule (see docs/rules.md)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ bulletin topics add export-controls --name "Export controls" --query 'tag:"export controls" OR "entity list"'\n`,
    )
    .action(async (slug: string, opts: { name: string; query: string }) => {
      const valid = parseOption('SLUG', slug, slugSchema);
      await withApp({}, async (app) => {
        const topic = await addTopic(app, { slug: valid, name: opts.name, query: opts.query });
        printLine(`added topic ${topic.slug}`);
      });
    });

  topics
    .command('update <slug>')
    .description("change a topic's name or query")
    .option('--name <name>', 'a new display name')
    .option('--query <q>', 'a new rule (see docs/rules.md)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ bulletin topics update customs --query 'customs OR tariff*'\n`,
    )
    .action(async (slug: string, opts: { name?: string; query?: string }) => {
      if (opts.name === undefined && opts.query === undefined)
        throw new InputError('give --name or --query');
      await withApp({}, async (app) => {
        await changeTopic(app, slug, opts);
        printLine(`updated topic ${slug}`);
      });
    });

  topics
    .command('remove <slug>')
    .description(
      'remove a topic and the subscriptions that follow it (a followed topic needs --force)',
    )
    .option('--force', 'remove it even though readers follow it')
    .addHelpText('after', '\nExamples:\n  $ bulletin topics remove customs --force\n')
    .action(async (slug: string, opts: { force?: boolean }) => {
      await withApp({}, async (app) => {
        const affected = await removeTopic(app, slug, { force: Boolean(opts.force) });
        printLine(
          `removed topic ${slug}${affected.readers > 0 ? `: ${countOf(affected.readers, 'reader')} no longer follow it (${countOf(affected.subscriptions, 'subscription')} ended)` : ''}`,
        );
      });
    });

  withLimitOptions(
    topics.command('list').description('every topic with how many readers follow it'),
    LISTED,
    'topics',
  )
    .option('--json', 'one JSON array')
    .action(async (opts: LimitOptions & { json?: boolean }) => {
      const limit = readLimit(opts, LISTED);
      await withApp({}, async (app) => {
        const found = await readUpTo(
          limit,
          'topics',
          (n) => listTopics(app, { limit: n }),
          () => countTopics(app),
        );
        const rows = found.map((t) => ({
          slug: t.slug,
          name: t.name,
          query: t.query,
          followers: t.followers,
        }));
        printListing(rows, Boolean(opts.json), [
          { header: 'SLUG', value: (r) => r.slug },
          { header: 'NAME', value: (r) => r.name },
          { header: 'FOLLOWERS', value: (r) => r.followers },
          { header: 'QUERY', value: (r) => r.query },
        ]);
      });
    });

  topics
    .command('show <slug>')
    .description("a topic's query, explained, its followers and its matches in the last 30 days")
    .option('--json', 'one JSON object')
    .addHelpText('after', '\nExamples:\n  $ bulletin topics show customs\n')
    .action(async (slug: string, opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        const details = await showTopic(app, slug);
        const { topic, followers, recent } = details;
        if (opts.json) {
          return printLine(
            formatJson({
              slug: topic.slug,
              name: topic.name,
              query: topic.query,
              followers: followers.readers,
              subscriptions: followers.subscriptions,
              matchesLast30Days: recent.matches.length,
              storiesLast30Days: recent.considered,
              matches: recent.matches,
              createdAt: topic.createdAt,
              updatedAt: topic.updatedAt,
            }),
          );
        }
        printLine(
          [
            `${topic.slug}: ${topic.name}`,
            `query: ${topic.query}`,
            describeRule(parseQueryOrThrow(topic.query, 'storedQuery')),
            `followers: ${countOf(followers.readers, 'reader')}`,
            `last ${details.days} days: ${recent.matches.length} of ${countOf(recent.considered, 'story', 'stories')} match`,
            ...recent.matches
              .slice(0, 10)
              .map((m) => `  ${m.publishedAt.toISOString().slice(0, 10)}  ${m.headline}`),
            ...(recent.matches.length > 10 ? [`  and ${recent.matches.length - 10} more`] : []),
          ].join('\n'),
        );
      });
    });

  topics
    .command('test [slug]')
    .description('backtest a topic or a query against stored stories')
    .option('--query <q>', 'a query instead of a topic')
    .option('--since <duration>', 'how far back, e.g. 30d', '30d')
    .option('--json', 'one JSON object')
    .action(
      async (slug: string | undefined, opts: { query?: string; since: string; json?: boolean }) => {
        if ((slug === undefined) === (opts.query === undefined))
          throw new InputError('give a topic SLUG or --query Q');
        await withApp({}, async (app) => {
          let query = opts.query;
          if (slug !== undefined) query = (await requireTopic(app, slug)).query;
          const rule = parseQueryOrThrow(query as string, slug ? 'storedQuery' : 'query');
          const since = parseSince('--since', opts.since, app.now());
          const result = await backtestRule(app, rule, since);
          if (opts.json) return printLine(JSON.stringify(result));
          printLine(
            `${result.matches.length} of ${result.considered} stories since ${since?.toISOString().slice(0, 10)} match`,
          );
          for (const m of result.matches)
            printLine(`${m.publishedAt.toISOString().slice(0, 10)}  ${m.headline}`);
        });
      },
    );

  registerTopicTransferCommands(topics);
}
