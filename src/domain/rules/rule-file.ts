import { parseRule } from './parser.js';
import type { ParsedRule } from './rule-ast.js';

/** One rule of a rules file: `{"id", "query"}`. */
export interface RuleRecord {
  id: string;
  query: string;
}

/** One line of a rules file, read and parsed. */
export type RuleLine =
  | { line: number; ok: true; id: string; rule: ParsedRule }
  | { line: number; ok: false; id: string | null; column: number | null; message: string };

/** A line of a rules file that is a record (its query not parsed yet), or why it is not. */
export type RuleRecordLine =
  | { line: number; ok: true; record: RuleRecord }
  | { line: number; ok: false; id: string | null; column: null; message: string };

/**
 * Reads a JSON Lines file of `{"id", "query"}` objects without parsing the queries (blank
 * lines are skipped; an id used twice is an error on its second line). `bulletin match`
 * parses the queries where it indexes them, in each worker thread.
 */
export function readRuleRecords(jsonl: string): RuleRecordLine[] {
  const result: RuleRecordLine[] = [];
  const seen = new Set<string>();
  const lines = jsonl.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    if (text.trim() === '') continue;
    const line = index + 1;
    const record = readRuleRecord(text);
    if (typeof record === 'string') {
      result.push({ line, ok: false, id: null, column: null, message: record });
    } else if (seen.has(record.id)) {
      const message = `the rule id "${record.id}" is used twice`;
      result.push({ line, ok: false, id: record.id, column: null, message });
    } else {
      seen.add(record.id);
      result.push({ line, ok: true, record });
    }
  }
  return result;
}

/** Reads a rules file and parses every query. */
export function readRuleLines(jsonl: string): RuleLine[] {
  return readRuleRecords(jsonl).map((entry): RuleLine => {
    if (!entry.ok) return entry;
    const { id, query } = entry.record;
    const parsed = parseRule(query);
    if (parsed.ok) return { line: entry.line, ok: true, id, rule: parsed.rule };
    const { column, message } = parsed.error;
    return { line: entry.line, ok: false, id, column, message };
  });
}

/** The rule of one line, or why the line is not one. */
function readRuleRecord(text: string): RuleRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected an object {"id", "query"}';
  }
  const { id, query } = value as { id?: unknown; query?: unknown };
  const textId = typeof id === 'number' && Number.isInteger(id) ? String(id) : id;
  if (typeof textId !== 'string' || textId === '') return '"id" must be a non-empty string';
  if (typeof query !== 'string') return '"query" must be a string';
  return { id: textId, query };
}
