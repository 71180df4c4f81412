import type { Command } from 'commander';
import { importTopics, listTopics, type TopicProblem } from '../../services/topics/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { writeCsv } from '../file-output.js';
import { countOf, withExamples } from '../help.js';
import { formatJson, printLine } from '../output.js';
import { openTopicsFile } from '../topic-input.js';

/** `topics import` and `topics export`: a publisher's hundreds of topics in one file. */
export function registerTopicTransferCommands(topics: Command): void {
  withExamples(
    topics
      .command('import <file>')
      .description(
        'add topics from JSON Lines {"slug", "name", "query"} or a CSV with those columns (- for a CSV on standard input); every query is checked as rules check does; a topic already there is left as is unless --update',
      )
      .option('--update', "change existing topics' names and queries too")
      .option('--dry-run', 'check every record and count what would change; write nothing')
      .option('--json', 'the report as one JSON object on standard output'),
    ['bulletin topics import topics.jsonl --dry-run', 'bulletin topics export > topics.jsonl'],
  ).action(async (file: string, opts: { update?: boolean; dryRun?: boolean; json?: boolean }) => {
    const problems: TopicProblem[] = [];
    const report = (problem: TopicProblem) => {
      if (opts.json) problems.push(problem);
      else
        process.stderr.write(
          `${file}: line ${problem.line}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}\n`,
        );
    };
    let unreadable = 0;
    const input = await openTopicsFile(file, (problem) => {
      unreadable++;
      report(problem);
    });
    if (input.unknownColumns.length > 0 && !opts.json)
      process.stderr.write(
        `${file}: line 1: not read, ignored: ${input.unknownColumns.join(', ')} (known: slug, name, query)\n`,
      );
    const result = await withApp({}, (app) =>
      importTopics(app, input.records, {
        update: Boolean(opts.update),
        dryRun: Boolean(opts.dryRun),
        onRejected: report,
      }),
    );
    const rows = result.rows + unreadable;
    const rejected = result.rejected + unreadable;
    if (opts.json) {
      printLine(
        formatJson({
          file,
          dryRun: Boolean(opts.dryRun),
          ...result,
          rows,
          rejected,
          unknownColumns: input.unknownColumns,
          problems: problems.sort((a, b) => a.line - b.line),
        }),
      );
    } else {
      printLine(
        `${opts.dryRun ? 'dry run, nothing written: ' : ''}${file}: ${countOf(rows, 'record')}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged, ${result.skipped > 0 ? `${result.skipped} already there, left as they are (--update changes them), ` : ''}${rejected} rejected`,
      );
    }
    if (rows === 0) throw new InputError(`${file}: no topic in it`);
    if (rejected > 0 || input.unknownColumns.length > 0) process.exitCode = 2;
  });

  withExamples(
    topics
      .command('export')
      .description(
        'write every topic as JSON Lines {"slug", "name", "query"} (or --csv), as topics import reads them',
      )
      .option('--csv', 'a CSV with the columns slug, name, query instead'),
    ['bulletin topics export > topics.jsonl', 'bulletin topics export --csv > topics.csv'],
  ).action(async (opts: { csv?: boolean }) => {
    await withApp({}, async (app) => {
      const all = await listTopics(app);
      const rows = all.map((t) => ({ slug: t.slug, name: t.name, query: t.query }));
      if (opts.csv) {
        await writeCsv(
          ['slug', 'name', 'query'] as const,
          (async function* () {
            yield* rows;
          })(),
        );
        return;
      }
      for (const row of rows) process.stdout.write(`${formatJson(row)}\n`);
    });
  });
}
