import path from 'node:path';
import type { Command } from 'commander';
import {
  READER_COLUMNS,
  type ReaderColumn,
  ReaderHeaderError,
  type ReaderRecord,
  type RowProblem,
  readerFileRows,
  readReaderHeader,
} from '../../domain/reader-file.js';
import { WEEKDAYS } from '../../domain/subscription.js';
import {
  exportReaders,
  type ImportReadersReport,
  importReaders,
} from '../../services/readers/index.js';
import { withApp } from '../cli-context.js';
import { InputError } from '../cli-error.js';
import { type CsvRecord, openCsv } from '../csv-input.js';
import { writeCsv, writeJsonArray } from '../file-output.js';
import { countOf, withExamples } from '../help.js';
import { formatJson, printLine } from '../output.js';
import { startProgress } from '../progress.js';

interface ImportOptions {
  dryRun?: boolean;
  update?: boolean;
  json?: boolean;
}

/** `subscribers import` and `subscribers export`: readers in bulk, as CSV. */
export function registerReaderTransferCommands(subscribers: Command): void {
  withExamples(
    subscribers
      .command('import <file>')
      .description(
        `add readers from a CSV file (- for standard input) with the columns ${READER_COLUMNS.join(', ')}; only email is required; topics are ;-separated slugs; a reader already there is left as is unless --update`,
      )
      .option('--dry-run', 'check every row and count what would change; write nothing')
      .option(
        '--update',
        'change existing readers too: only the columns the file has, cell by cell',
      )
      .option('--json', 'the report as one JSON object on standard output'),
    [
      'bulletin subscribers import readers.csv --dry-run',
      'bulletin subscribers import readers.csv --update',
      'bulletin subscribers export --csv > readers.csv',
    ],
  ).action(async (file: string, opts: ImportOptions) => {
    const problems: RowProblem[] = [];
    const report = (problem: RowProblem) => {
      if (opts.json) problems.push(problem);
      else
        process.stderr.write(
          `${file}: line ${problem.line}: ${problem.column ? `${problem.column}: ` : ''}${problem.message}\n`,
        );
    };
    let syntaxProblems = 0;
    const csv = await openCsv(file, (problem) => {
      syntaxProblems++;
      report({ line: problem.line, column: null, message: problem.message });
    });
    if (csv.header.length === 0) throw new InputError(`${file}: empty, not even a header line`);
    let header: ReturnType<typeof readReaderHeader>;
    try {
      header = readReaderHeader(csv.header);
    } catch (error) {
      if (error instanceof ReaderHeaderError)
        throw new InputError(`${file}: line 1: ${error.message}`);
      throw error;
    }
    if (header.unknown.length > 0 && !opts.json)
      process.stderr.write(
        `${file}: line 1: ${header.unknown.length === 1 ? 'a column' : 'columns'} not read, ignored: ${header.unknown.join(', ')} (known: ${READER_COLUMNS.join(', ')})\n`,
      );
    const tooLong = { count: 0 };
    const progress = startProgress(opts.dryRun ? 'checking' : 'importing');
    const result = await withApp({}, async (app) =>
      importReaders(app, toReaderRecords(csv.records, header.columns, report, tooLong), {
        update: Boolean(opts.update),
        dryRun: Boolean(opts.dryRun),
        consentSource: `import:${file === '-' ? 'stdin' : path.basename(file)}`,
        onRejected: report,
        onProgress: (rows) => progress.update(rows, estimateTotal(rows, csv.bytesRead(), csv.size)),
      }),
    ).finally(() => progress.stop());
    const refusedHere = syntaxProblems + tooLong.count;
    const rejected = result.rejected + refusedHere;
    const rows = result.rows + refusedHere;
    if (opts.json) {
      process.stdout.write(
        `${formatJson({
          file,
          dryRun: Boolean(opts.dryRun),
          ...result,
          rows,
          rejected,
          unknownColumns: header.unknown,
          problems: problems.sort((a, b) => a.line - b.line),
        })}\n`,
      );
    } else printLine(summary(file, { ...result, rows, rejected }, Boolean(opts.dryRun)));
    if (rejected > 0 || header.unknown.length > 0) process.exitCode = 2;
  });

  withExamples(
    subscribers
      .command('export')
      .description(
        'write every reader: CSV with the columns subscribers import reads (one row per schedule their topics follow), or JSON with all their subscriptions',
      )
      .option('--csv', 'CSV, as subscribers import reads it (the default)')
      .option('--json', 'one JSON array, a reader per element, with every subscription'),
    ['bulletin subscribers export --csv > readers.csv', 'bulletin subscribers export --json'],
  ).action(async (opts: { csv?: boolean; json?: boolean }) => {
    if (opts.csv && opts.json) throw new InputError('give --csv or --json, not both');
    await withApp({}, async (app) => {
      if (opts.json) {
        await writeJsonArray(
          (async function* () {
            for await (const { reader, subscriptions } of exportReaders(app))
              yield {
                email: reader.email,
                name: reader.name,
                plan: reader.plan,
                trialEndsAt: reader.trialEndsAt,
                tz: reader.tz,
                status: reader.status,
                marketingConsent: reader.marketingConsent,
                consentSource: reader.consentSource,
                consentAt: reader.consentAt,
                createdAt: reader.createdAt,
                subscriptions: subscriptions.map((s) => ({
                  topic: s.topicSlug,
                  query: s.query,
                  cadence: s.cadence,
                  at: s.cadence === 'instant' ? null : s.sendAt,
                  day: s.weekday ? WEEKDAYS[s.weekday - 1] : null,
                  weekdays: s.weekdays,
                  paused: s.paused,
                  nextDueAt: s.nextDueAt,
                })),
              };
          })(),
        );
        return;
      }
      await writeCsv(
        READER_COLUMNS,
        (async function* () {
          for await (const { reader, subscriptions } of exportReaders(app))
            yield* readerFileRows(reader, subscriptions);
        })(),
      );
    });
  });
}

/**
 * The CSV's records as the service reads them: cells by column, blank ones left out. A record
 * with more cells than the header has columns is rejected here (`tooLong` counts them).
 */
async function* toReaderRecords(
  records: AsyncIterable<CsvRecord>,
  columns: readonly (ReaderColumn | null)[],
  report: (problem: RowProblem) => void,
  tooLong: { count: number },
): AsyncGenerator<ReaderRecord> {
  for await (const { line, cells } of records) {
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim())) {
      tooLong.count++;
      report({
        line,
        column: null,
        message: `${cells.length} fields, but the header names ${columns.length} columns`,
      });
      continue;
    }
    const values: ReaderRecord['values'] = {};
    columns.forEach((column, i) => {
      const cell = cells[i];
      if (column && cell !== undefined && cell.trim() !== '') values[column] = cell;
    });
    yield { line, values };
  }
}

function estimateTotal(rows: number, bytesRead: number, size: number | null): number {
  if (!size || bytesRead === 0) return rows;
  return Math.max(rows, Math.round((rows * size) / bytesRead));
}

function summary(file: string, r: ImportReadersReport, dryRun: boolean): string {
  const parts = [
    `${r.added.toLocaleString('en-US')} added`,
    `${r.updated.toLocaleString('en-US')} updated`,
    `${r.unchanged.toLocaleString('en-US')} unchanged`,
    ...(r.skipped > 0
      ? [
          `${r.skipped.toLocaleString('en-US')} already readers, left as they are (--update changes them)`,
        ]
      : []),
    `${r.rejected.toLocaleString('en-US')} rejected`,
  ];
  // Rows are counted above; several rows may make one new reader, so readers are counted too.
  const follows = `${countOf(r.readersAdded, 'new reader')}, ${countOf(r.subscriptionsAdded, 'subscription')} added, ${r.subscriptionsChanged.toLocaleString('en-US')} changed`;
  return `${dryRun ? 'dry run, nothing written: ' : ''}${file}: ${countOf(r.rows, 'row')}: ${parts.join(', ')}; ${follows}`;
}
