import { findTopicBySlug } from '../../../db/repositories/topic.repository.js';
import { parseRule } from '../../domain/rules/index.js';
import { TOPIC_SLUG, TOPIC_SLUG_RULE } from '../../domain/topic.js';
import type { ServiceContext } from '../context.js';
import { InputError } from '../input-error.js';
import { addTopic, changeTopic } from './topics.service.js';

/** One record of a topics file: its line and the fields it gives. */
export interface TopicRecord {
  line: number;
  slug?: string;
  name?: string;
  query?: string;
}

/** Why a record was not imported, with the field at fault when there is one. */
export interface TopicProblem {
  line: number;
  field: 'slug' | 'name' | 'query' | null;
  message: string;
}

export interface ImportTopicsReport {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Topics already there, left as they are because changing them was not asked for. */
  skipped: number;
  rejected: number;
}

/**
 * Imports topics: every query is checked as `rules check` does (the message shows the column),
 * a bad record is reported and the others go on. New topics and changed queries go through the
 * rule change log, as `topics add` and `topics update` do, so running workers pick them up.
 */
export async function importTopics(
  ctx: ServiceContext,
  records: AsyncIterable<TopicRecord>,
  options: { update: boolean; dryRun: boolean; onRejected?: (problem: TopicProblem) => void },
): Promise<ImportTopicsReport> {
  const report = { rows: 0, added: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0 };
  const reject = (problem: TopicProblem) => {
    report.rejected++;
    options.onRejected?.(problem);
  };
  for await (const record of records) {
    report.rows++;
    const problem = checkRecord(record);
    if (problem) {
      reject(problem);
      continue;
    }
    const slug = record.slug as string;
    const existing = await findTopicBySlug(ctx.db, slug);
    try {
      if (!existing) {
        if (record.name === undefined || record.query === undefined) {
          reject({
            line: record.line,
            field: record.name === undefined ? 'name' : 'query',
            message: `a new topic needs a ${record.name === undefined ? 'name' : 'query'}`,
          });
          continue;
        }
        if (!options.dryRun) await addTopic(ctx, { slug, name: record.name, query: record.query });
        report.added++;
      } else if (!options.update) {
        report.skipped++;
      } else {
        const changes = {
          ...(record.name !== undefined && record.name.trim() !== existing.name
            ? { name: record.name }
            : {}),
          ...(record.query !== undefined && record.query !== existing.query
            ? { query: record.query }
            : {}),
        };
        if (Object.keys(changes).length === 0) {
          report.unchanged++;
          continue;
        }
        if (!options.dryRun) await changeTopic(ctx, slug, changes);
        report.updated++;
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const field = error.field === 'name' || error.field === 'query' ? error.field : null;
      reject({ line: record.line, field, message: error.message });
    }
  }
  return report;
}

function checkRecord(record: TopicRecord): TopicProblem | null {
  const line = record.line;
  if (record.slug === undefined) return { line, field: 'slug', message: 'no slug' };
  if (!TOPIC_SLUG.test(record.slug))
    return {
      line,
      field: 'slug',
      message: `${TOPIC_SLUG_RULE} (got ${JSON.stringify(record.slug)})`,
    };
  if (record.query !== undefined) {
    const parsed = parseRule(record.query);
    if (!parsed.ok)
      return {
        line,
        field: 'query',
        message: `${parsed.error.message} at column ${parsed.error.column}\n${parsed.error.display}`,
      };
  }
  return null;
}
