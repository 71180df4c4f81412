import type { Command } from 'commander';
import { describeRule } from '../../domain/rules/index.js';
import {
  addTopic,
  backtestRule,
  changeTopic,
  listTopics,
  parseQueryOrThrow,
  removeTopic,
  requireTopic,
} from '../../services/topics.service.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { printLine, printListing } from '../output.js';
import { parseOption, parseSince, slugSchema } from '../parse.js';

export function registerTopicCommands(program: Command): void {
  const topics = program.command('topics').description('topics: named queries that readers follow');

  topics
    .command('add <slug>')
    .description('add a topic')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--query <q>', 'the rule (see RULES.md)')
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
    .option('--name <name>')
    .option('--query <q>')
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
    .description('remove a topic and the subscriptions that follow it')
    .action(async (slug: string) => {
      await withApp({}, async (app) => {
        await removeTopic(app, slug);
        printLine(`removed topic ${slug}`);
      });
    });

  topics
    .command('list')
    .option('--json', 'one JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        const rows = (await listTopics(app)).map((t) => ({
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
    .option('--json', 'one JSON object')
    .action(async (slug: string, opts: { json?: boolean }) => {
      await withApp({}, async (app) => {
        const topic = await requireTopic(app, slug);
        if (opts.json) return printLine(JSON.stringify(topic));
        printLine(
          `${topic.slug}: ${topic.name}\nquery: ${topic.query}\n${describeRule(parseQueryOrThrow(topic.query))}`,
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
}
