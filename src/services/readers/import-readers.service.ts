import {
  findReadersByEmails,
  insertReaders,
  prepareForBulkWrites,
  updateReaderFields,
} from '../../../db/repositories/reader-batch.repository.js';
import type { NewSubscription } from '../../../db/repositories/subscription.repository.js';
import {
  findSubscriptionsOfReaders,
  insertSubscriptions,
  type SubscriptionSchedule,
  updateSubscriptionSchedule,
} from '../../../db/repositories/subscription-batch.repository.js';
import { listTopics } from '../../../db/repositories/topic.repository.js';
import type { Reader } from '../../domain/reader.js';
import {
  newReaderFields,
  planAfter,
  type ReaderChanges,
  type ReaderFields,
  readerChanges,
} from '../../domain/reader-changes.js';
import {
  conflictingColumns,
  parseReaderRecord,
  type ReaderRecord,
  type ReaderRow,
  type RowProblem,
} from '../../domain/reader-file.js';
import {
  applyScheduleRequest,
  type Subscription,
  sameSchedule,
} from '../../domain/subscription.js';
import type { ServiceContext } from '../context.js';
import { createNextSendTimes, type NextSendTimes } from './next-send-times.js';

export interface ImportReadersOptions {
  /** Change existing readers (only the fields a row gives); otherwise leave them as they are. */
  update: boolean;
  /** Check and count everything, write nothing. */
  dryRun: boolean;
  /** The source recorded for marketing consent a row gives without one (`import:FILE`). */
  consentSource: string;
  /** Rows per transaction. */
  batchSize?: number;
  /** Told of each rejected row as soon as it is found. */
  onRejected?: (problem: RowProblem) => void;
  /** Told how many rows are done after each batch. */
  onProgress?: (rowsDone: number) => void;
}

/** What became of each row; the counts add up to `rows`. */
export interface ImportReadersReport {
  rows: number;
  /** Rows that added a reader, or follows to a reader this import added. */
  added: number;
  /** Readers this import added (the rows above, less a reader's further rows). */
  readersAdded: number;
  /** Rows that changed an existing reader or their follows. */
  updated: number;
  /** Rows of existing readers that asked for nothing new. */
  unchanged: number;
  /** Rows of existing readers left as they are, because changing them was not asked for. */
  skipped: number;
  rejected: number;
  subscriptionsAdded: number;
  subscriptionsChanged: number;
}

const DEFAULT_BATCH = 2000;

/**
 * Imports readers and their topic follows, a batch of rows per transaction: each batch looks
 * up its addresses in one query, inserts many rows per statement, and resolves topics from one
 * read at the start. Rows are checked one by one; a bad row is reported and the others go on.
 * Importing the same rows again changes nothing. Several rows may name a reader this import
 * adds (an export writes one row per schedule): the first gives the reader's fields, each its
 * follows. A further row whose reader fields disagree with the first's is rejected, naming the
 * first's line: which one was meant is not for the import to guess.
 */
export async function importReaders(
  ctx: ServiceContext,
  records: AsyncIterable<ReaderRecord>,
  options: ImportReadersOptions,
): Promise<ImportReadersReport> {
  const startedAt = ctx.now();
  await prepareForBulkWrites(ctx.db);
  const topics = new Map((await listTopics(ctx.db)).map((t) => [t.slug, t.id]));
  const run: ImportRun = {
    ctx,
    options,
    startedAt,
    topics,
    nextSendTimes: createNextSendTimes(startedAt),
    added: new Map(),
    notWritten: new Map(),
    report: {
      rows: 0,
      added: 0,
      readersAdded: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      rejected: 0,
      subscriptionsAdded: 0,
      subscriptionsChanged: 0,
    },
  };
  let batch: ReaderRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= (options.batchSize ?? DEFAULT_BATCH)) {
      await importBatch(run, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await importBatch(run, batch);
  return run.report;
}

interface ImportRun {
  ctx: ServiceContext;
  options: ImportReadersOptions;
  startedAt: Date;
  topics: Map<string, number>;
  nextSendTimes: NextSendTimes;
  /**
   * Each reader this import added, by address, with the line of their first row: their further
   * rows may come anywhere in the file. About 100 bytes a new reader; their fields and follows
   * are read back from the database, where the batch that added them wrote them.
   */
  added: Map<string, number>;
  /** On a dry run nothing is written: what the database would hold is kept here instead. */
  notWritten: Map<string, { fields: ReaderFields; topicIds: number[] }>;
  report: ImportReadersReport;
}

/** What one batch will write, planned before anything is. */
interface BatchPlan {
  newReaders: (ReaderFields & { email: string })[];
  /** Follows of readers this batch adds, by address until they have an id. */
  newReadersFollows: { email: string; topicId: number; schedule: SubscriptionSchedule }[];
  follows: NewSubscription[];
  readerChanges: { id: number; changes: ReaderChanges }[];
  scheduleChanges: { id: number; schedule: SubscriptionSchedule }[];
}

/** Where a reader stands while a batch is planned. */
interface ReaderState {
  /** Null for a reader this batch adds (or, on a dry run, this import). */
  reader: Reader | null;
  tz: string;
  /** Added by this import: further rows add follows and nothing else. */
  addedByThisImport: boolean;
  /** A reader this import added: the fields their first row gave, and its line. */
  first?: { fields: ReaderFields; line: number };
  /** Followed topics, with their subscription (absent for one this batch adds). */
  follows: Map<number, Subscription | null>;
  subscriptions: Subscription[];
}

async function importBatch(run: ImportRun, records: ReaderRecord[]): Promise<void> {
  const { ctx, report } = run;
  const rows: ReaderRow[] = [];
  for (const record of records) {
    const parsed = parseReaderRecord(record, (slug) => run.topics.has(slug));
    if (parsed.ok) rows.push(parsed.row);
    else reject(run, parsed.problem);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await findReadersByEmails(trx, [...new Set(rows.map((r) => r.email))]);
    // Follows matter for readers this run changes: those it added, or any with --update.
    const changing = existing.filter((r) => run.options.update || run.added.has(r.email));
    const subscriptions = new Map<number, Subscription[]>();
    for (const sub of await findSubscriptionsOfReaders(
      trx,
      changing.map((r) => r.id),
    ))
      subscriptions.set(sub.readerId, [...(subscriptions.get(sub.readerId) ?? []), sub]);
    const states = new Map<string, ReaderState>();
    for (const reader of existing) {
      const own = subscriptions.get(reader.id) ?? [];
      const firstLine = run.added.get(reader.email);
      states.set(reader.email, {
        reader,
        tz: reader.tz,
        addedByThisImport: firstLine !== undefined,
        ...(firstLine !== undefined ? { first: { fields: reader, line: firstLine } } : {}),
        follows: new Map(
          own.filter((s) => s.topicId !== null).map((s) => [s.topicId as number, s]),
        ),
        subscriptions: own,
      });
    }
    const plan: BatchPlan = {
      newReaders: [],
      newReadersFollows: [],
      follows: [],
      readerChanges: [],
      scheduleChanges: [],
    };
    for (const row of rows) {
      const problem = planRow(run, plan, states, row);
      if (problem) reject(run, problem);
    }
    if (!run.options.dryRun) await writePlan(run, trx, plan);
    else
      for (const [email, state] of states)
        if (state.reader === null && state.first)
          run.notWritten.set(email, {
            fields: state.first.fields,
            topicIds: [...state.follows.keys()],
          });
  });
  report.rows += records.length;
  run.options.onProgress?.(report.rows);
}

/** `plan`, `plan and tz`, `name, plan and tz`. */
function listOf(words: readonly string[]): string {
  return words.length < 2
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function reject(run: ImportRun, problem: RowProblem): void {
  run.report.rejected++;
  run.options.onRejected?.(problem);
}

/** Plans one row's writes, or says why it cannot be imported. */
function planRow(
  run: ImportRun,
  plan: BatchPlan,
  states: Map<string, ReaderState>,
  row: ReaderRow,
): RowProblem | null {
  const { report } = run;
  let state = states.get(row.email);
  // A dry run did not write the readers it added in the batches before.
  const unwritten = state ? undefined : run.notWritten.get(row.email);
  if (unwritten) {
    state = {
      reader: null,
      tz: unwritten.fields.tz,
      addedByThisImport: true,
      first: { fields: unwritten.fields, line: run.added.get(row.email) as number },
      follows: new Map(unwritten.topicIds.map((id) => [id, null])),
      subscriptions: [],
    };
    states.set(row.email, state);
  }
  if (!state) {
    const fields = newReaderFields(row, run.options.consentSource, run.startedAt);
    plan.newReaders.push({ email: row.email, ...fields });
    run.added.set(row.email, row.line);
    state = {
      reader: null,
      tz: fields.tz,
      addedByThisImport: true,
      first: { fields, line: row.line },
      follows: new Map(),
      subscriptions: [],
    };
    states.set(row.email, state);
    planFollows(run, plan, state, row);
    report.added++;
    report.readersAdded++;
    return null;
  }
  if (state.addedByThisImport) {
    const first = state.first as { fields: ReaderFields; line: number };
    const differ = conflictingColumns(first.fields, row);
    if (differ.length > 0)
      return {
        line: row.line,
        column: 'email',
        message: `${row.email} is already on line ${first.line} with a different ${listOf(differ)} (a reader's fields come from their first row: leave them blank on the others, or the same)`,
      };
    planFollows(run, plan, state, row);
    report.added++;
    return null;
  }
  const reader = state.reader as Reader;
  if (!run.options.update) {
    report.skipped++;
    return null;
  }
  const changes = readerChangesOf(run, reader, row);
  const after = planAfter(reader, changes);
  if (after.plan === 'trial' && after.trialEndsAt === null)
    return {
      line: row.line,
      column: 'trial_ends',
      message: 'a trial reader needs the date the trial ends',
    };
  // Check every follow before planning any, so a rejected row changes nothing.
  const tz = changes.tz ?? reader.tz;
  const scheduleChanges: BatchPlan['scheduleChanges'] = [];
  for (const slug of row.topics) {
    const current = state.follows.get(run.topics.get(slug) as number);
    if (!current) continue;
    const schedule = applyScheduleRequest(current, row.schedule);
    if ('conflict' in schedule)
      return {
        line: row.line,
        column: schedule.conflict.field === 'sendAt' ? 'at' : 'day',
        message: `${slug}: ${schedule.conflict.reason}`,
      };
    if (changes.tz === undefined && sameSchedule(schedule, current)) continue;
    scheduleChanges.push({
      id: current.id,
      schedule: { ...schedule, nextDueAt: run.nextSendTimes.of(schedule, tz) },
    });
  }
  // A new zone moves the send times of every other daily and weekly subscription too.
  if (changes.tz !== undefined) {
    for (const sub of state.subscriptions) {
      if (scheduleChanges.some((c) => c.id === sub.id)) continue;
      scheduleChanges.push({
        id: sub.id,
        schedule: { ...sub, nextDueAt: run.nextSendTimes.of(sub, tz) },
      });
    }
  }
  state.tz = tz;
  const followsBefore = plan.follows.length;
  planFollows(run, plan, state, row);
  const followed = plan.follows.length - followsBefore;
  if (Object.keys(changes).length > 0) plan.readerChanges.push({ id: reader.id, changes });
  plan.scheduleChanges.push(...scheduleChanges);
  const changedFollows = scheduleChanges.filter((c) => !sameAsBefore(state, c)).length;
  report.subscriptionsChanged += changedFollows;
  if (Object.keys(changes).length > 0 || followed > 0 || changedFollows > 0) report.updated++;
  else report.unchanged++;
  return null;
}

/** A schedule change that only recomputes the next send time is not a change of the follow. */
function sameAsBefore(state: ReaderState, change: BatchPlan['scheduleChanges'][number]): boolean {
  const before = state.subscriptions.find((s) => s.id === change.id);
  return before !== undefined && sameSchedule(before, change.schedule);
}

function readerChangesOf(run: ImportRun, reader: Reader, row: ReaderRow): ReaderChanges {
  const edit = {
    ...(row.name !== undefined ? { name: row.name } : {}),
    ...(row.plan !== undefined ? { plan: row.plan } : {}),
    ...(row.trialEndsAt !== undefined ? { trialEndsAt: row.trialEndsAt } : {}),
    ...(row.tz !== undefined ? { tz: row.tz } : {}),
    ...(row.consent !== undefined ? { consent: row.consent } : {}),
  };
  return readerChanges(reader, edit, run.options.consentSource, run.startedAt);
}

/** Plans the follows of a row's topics that the reader does not follow yet. */
function planFollows(run: ImportRun, plan: BatchPlan, state: ReaderState, row: ReaderRow): void {
  for (const slug of row.topics) {
    const topicId = run.topics.get(slug) as number;
    if (state.follows.has(topicId)) continue;
    const fields = applyScheduleRequest(null, row.schedule);
    // The row's own schedule was checked when it was read.
    if ('conflict' in fields) continue;
    const schedule = { ...fields, nextDueAt: run.nextSendTimes.of(fields, state.tz) };
    state.follows.set(topicId, null);
    run.report.subscriptionsAdded++;
    if (state.reader)
      plan.follows.push({ readerId: state.reader.id, topicId, query: null, ...schedule });
    else plan.newReadersFollows.push({ email: row.email, topicId, schedule });
  }
}

async function writePlan(run: ImportRun, db: ServiceContext['db'], plan: BatchPlan): Promise<void> {
  const now = run.startedAt;
  const ids = await insertReaders(db, plan.newReaders, now);
  const follows = [
    ...plan.follows,
    ...plan.newReadersFollows.map((f) => ({
      readerId: ids.get(f.email) as number,
      topicId: f.topicId,
      query: null,
      ...f.schedule,
    })),
  ];
  await insertSubscriptions(db, follows, now);
  for (const { id, changes } of plan.readerChanges) await updateReaderFields(db, id, changes, now);
  for (const { id, schedule } of plan.scheduleChanges)
    await updateSubscriptionSchedule(db, id, schedule);
}
