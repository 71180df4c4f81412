import { performance } from 'node:perf_hooks';
import {
  describeRule,
  type ParsedRule,
  parseRule,
  RuleIndex,
  tokenizeStory,
} from '../domain/rules/index.js';
import { parseStoriesText } from '../domain/story.js';

/** What a command prints and how it exits: the CLI writes these out as they are. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: 0 | 2;
}

/** One line of a rules file, read and parsed. */
type RuleLine =
  | { line: number; ok: true; id: string; rule: ParsedRule }
  | { line: number; ok: false; id: string | null; column: number | null; message: string };

/**
 * `bulletin rules check Q` explains one query (or shows where it is wrong);
 * `bulletin rules check --file RULES.jsonl [--json]` checks every rule of a file.
 * Exit status 2 when anything is invalid.
 */
export function checkRules(
  input: { query: string } | { jsonl: string },
  json: boolean,
): CommandOutput {
  if ('query' in input) return checkOneQuery(input.query, json);
  const lines = readRuleLines(input.jsonl);
  const out: string[] = [];
  for (const entry of lines) {
    if (json) out.push(JSON.stringify(toJsonResult(entry)));
    else out.push(toReadableResult(entry));
  }
  const exitCode = lines.every((entry) => entry.ok) ? 0 : 2;
  return { stdout: joinLines(out), stderr: '', exitCode };
}

function checkOneQuery(query: string, json: boolean): CommandOutput {
  const parsed = parseRule(query);
  if (parsed.ok) {
    const description = describeRule(parsed.rule);
    const stdout = json ? JSON.stringify({ ok: true, description }) : description;
    return { stdout: `${stdout}\n`, stderr: '', exitCode: 0 };
  }
  const { column, message, display } = parsed.error;
  if (json) {
    return {
      stdout: `${JSON.stringify({ ok: false, column, message })}\n`,
      stderr: '',
      exitCode: 2,
    };
  }
  return { stdout: '', stderr: `${display}\ncolumn ${column}: ${message}\n`, exitCode: 2 };
}

function toJsonResult(entry: RuleLine): Record<string, unknown> {
  if (entry.ok) return { id: entry.id, ok: true };
  const result: Record<string, unknown> = { id: entry.id, ok: false };
  // A line that is not a rule at all has no column: say which line it is instead.
  if (entry.column === null) result.line = entry.line;
  else result.column = entry.column;
  result.message = entry.message;
  return result;
}

function toReadableResult(entry: RuleLine): string {
  if (entry.ok) return `${entry.id}: ok`;
  if (entry.column === null) return `line ${entry.line}: ${entry.message}`;
  return `${entry.id}: column ${entry.column}: ${entry.message}`;
}

/** Reads a JSON Lines file of `{"id", "query"}` objects; blank lines are skipped. */
function readRuleLines(jsonl: string): RuleLine[] {
  const result: RuleLine[] = [];
  const seen = new Set<string>();
  jsonl.split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    const line = index + 1;
    const record = readRuleRecord(text);
    if (typeof record === 'string') {
      result.push({ line, ok: false, id: null, column: null, message: record });
      return;
    }
    if (seen.has(record.id)) {
      const message = `the rule id "${record.id}" is used twice`;
      result.push({ line, ok: false, id: record.id, column: null, message });
      return;
    }
    seen.add(record.id);
    const parsed = parseRule(record.query);
    if (parsed.ok) result.push({ line, ok: true, id: record.id, rule: parsed.rule });
    else {
      const { column, message } = parsed.error;
      result.push({ line, ok: false, id: record.id, column, message });
    }
  });
  return result;
}

/** The rule of one line, or why the line is not one. */
function readRuleRecord(text: string): { id: string; query: string } | string {
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

/**
 * `bulletin match --rules RULES.jsonl --stories STORIES [--stats]`: one JSON line per
 * story, in input order, with the ids of the matching rules in the order of the rules file.
 */
export function matchFiles(rulesJsonl: string, storiesText: string, stats: boolean): CommandOutput {
  const rules = readRuleLines(rulesJsonl);
  const invalid = rules.filter((entry) => !entry.ok);
  if (invalid.length > 0) {
    const stderr = invalid.map((entry) => `rule ${describeInvalid(entry)}`);
    return { stdout: '', stderr: joinLines(stderr), exitCode: 2 };
  }
  const buildStart = performance.now();
  const index = new RuleIndex();
  for (const entry of rules) if (entry.ok) index.add(entry.id, entry.rule);
  const buildMs = performance.now() - buildStart;

  const out: string[] = [];
  const errors: string[] = [];
  let matched = 0;
  let candidates = 0;
  let badStories = 0;
  const matchStart = performance.now();
  for (const record of parseStoriesText(storiesText)) {
    if (!record.ok) {
      errors.push(`story at ${record.position}: ${record.error}`);
      badStories++;
      continue;
    }
    const result = index.matchWithStats(tokenizeStory(record.story));
    matched += result.ids.length;
    candidates += result.candidates;
    out.push(JSON.stringify({ story: record.story.id, rules: result.ids }));
  }
  const matchMs = performance.now() - matchStart;
  if (stats)
    errors.push(...formatStats(out.length, matchMs, candidates, matched, buildMs, index.size));
  // A malformed story does not stop the others from being matched, but the run still
  // reports bad input through its exit status.
  const exitCode = badStories > 0 ? 2 : 0;
  return { stdout: joinLines(out), stderr: joinLines(errors), exitCode };
}

function formatStats(
  stories: number,
  matchMs: number,
  candidates: number,
  matched: number,
  buildMs: number,
  rules: number,
): string[] {
  const perStory = (total: number) => (stories === 0 ? 0 : total / stories).toFixed(2);
  const rate = matchMs === 0 ? 0 : (stories * 1000) / matchMs;
  const heapMb = process.memoryUsage().heapUsed / (1024 * 1024);
  return [
    `stories: ${stories} in ${matchMs.toFixed(1)} ms (${rate.toFixed(0)} stories/s)`,
    `candidates per story: ${perStory(candidates)}`,
    `matches per story: ${perStory(matched)}`,
    `index build: ${rules} rules in ${buildMs.toFixed(1)} ms`,
    `heap used: ${heapMb.toFixed(1)} MB`,
  ];
}

function describeInvalid(entry: RuleLine): string {
  if (entry.ok) return entry.id;
  if (entry.column === null) {
    return entry.id === null
      ? `on line ${entry.line}: ${entry.message}`
      : `${entry.id} (line ${entry.line}): ${entry.message}`;
  }
  return `${entry.id}: column ${entry.column}: ${entry.message}`;
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
