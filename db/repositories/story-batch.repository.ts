import type { StoryInput } from '../../src/domain/story.js';
import type { Db } from '../connection.js';
import { fromJson, toDate, toIso } from '../mappers.js';

/** What became of one story of a batch; `unchanged`: the same text was stored already. */
export type BatchOutcome = 'created' | 'updated' | 'realert' | 'unchanged';

/** A stored story's place in the flow: enough to hand it on to matching. */
export interface BatchResult {
  externalId: string;
  outcome: BatchOutcome;
  storyId: number;
  revision: number;
  matchedRevision: number;
}

/** Rows per INSERT: 10 values each stays far below SQLite's and PostgreSQL's parameter caps. */
const ROWS_PER_INSERT = 500;

function columnsOf(input: StoryInput) {
  return {
    url: input.url,
    headline: input.headline,
    summary: input.summary,
    body: input.body,
    section: input.section,
    tags: JSON.stringify(input.tags),
    published_at: toIso(new Date(input.publishedAt)),
    access: input.access,
  };
}

/**
 * Stores a batch of stories (ids unique within it) in one transaction: new ones inserted
 * many rows at a time, changed ones updated, identical ones left alone. An update is not
 * matched again (so not sent) unless it says `realert`, which opens a new revision. A story
 * another publisher inserts meanwhile is updated instead, never lost.
 */
export async function upsertStoryBatch(
  db: Db,
  inputs: readonly StoryInput[],
  now: Date,
): Promise<BatchResult[]> {
  if (inputs.length === 0) return [];
  const stamp = toIso(now);
  return db.transaction().execute(async (trx) => {
    const results: BatchResult[] = [];
    const existing = await findByExternalIds(trx, inputs);
    const fresh = inputs.filter((input) => !existing.has(input.id));
    const inserted = new Set<string>();
    for (let start = 0; start < fresh.length; start += ROWS_PER_INSERT) {
      const rows = fresh.slice(start, start + ROWS_PER_INSERT).map((input) => ({
        ...columnsOf(input),
        external_id: input.id,
        created_at: stamp,
        updated_at: stamp,
      }));
      const returned = await trx
        .insertInto('stories')
        .values(rows)
        .onConflict((oc) => oc.column('external_id').doNothing())
        .returning(['id', 'external_id', 'revision', 'matched_revision'])
        .execute();
      for (const row of returned) {
        inserted.add(row.external_id);
        results.push({
          externalId: row.external_id,
          outcome: 'created',
          storyId: row.id,
          revision: row.revision,
          matchedRevision: row.matched_revision,
        });
      }
    }
    // Inserted by someone else between the read and the insert: theirs to update now.
    const raced = fresh.filter((input) => !inserted.has(input.id));
    if (raced.length > 0)
      for (const [id, row] of await findByExternalIds(trx, raced)) existing.set(id, row);

    for (const input of inputs) {
      const row = existing.get(input.id);
      if (!row) continue;
      const columns = columnsOf(input);
      if (!input.realert && sameStory(row, columns)) {
        results.push({
          externalId: input.id,
          outcome: 'unchanged',
          storyId: row.id,
          revision: row.revision,
          matchedRevision: row.matched_revision,
        });
        continue;
      }
      const updated = await trx
        .updateTable('stories')
        .set((eb) => ({
          ...columns,
          updated_at: stamp,
          revision: input.realert ? eb('revision', '+', 1) : eb.ref('revision'),
        }))
        .where('id', '=', row.id)
        .returning(['id', 'revision', 'matched_revision'])
        .executeTakeFirstOrThrow();
      results.push({
        externalId: input.id,
        outcome: input.realert ? 'realert' : 'updated',
        storyId: updated.id,
        revision: updated.revision,
        matchedRevision: updated.matched_revision,
      });
    }
    return results;
  });
}

/** What a stored story is compared by, and what its update needs. */
interface StoredRow {
  id: number;
  revision: number;
  matched_revision: number;
  url: string;
  headline: string;
  summary: string;
  body: string;
  section: string | null;
  tags: string | string[];
  published_at: Date | string;
  access: 'subscriber' | 'free';
}

async function findByExternalIds(
  db: Db,
  inputs: readonly StoryInput[],
): Promise<Map<string, StoredRow>> {
  const found = new Map<string, StoredRow>();
  for (let start = 0; start < inputs.length; start += ROWS_PER_INSERT) {
    const ids = inputs.slice(start, start + ROWS_PER_INSERT).map((input) => input.id);
    const rows = await db
      .selectFrom('stories')
      .select([
        'id',
        'external_id',
        'revision',
        'matched_revision',
        'url',
        'headline',
        'summary',
        'body',
        'section',
        'tags',
        'published_at',
        'access',
      ])
      .where('external_id', 'in', ids)
      .execute();
    for (const { external_id, ...row } of rows) found.set(external_id, row);
  }
  return found;
}

/** Whether a stored row already holds exactly this text. */
function sameStory(row: StoredRow, columns: ReturnType<typeof columnsOf>): boolean {
  return (
    row.url === columns.url &&
    row.headline === columns.headline &&
    row.summary === columns.summary &&
    row.body === columns.body &&
    row.section === columns.section &&
    JSON.stringify(fromJson<string[]>(row.tags)) === columns.tags &&
    toDate(row.published_at).getTime() === Date.parse(columns.published_at) &&
    row.access === columns.access
  );
}
