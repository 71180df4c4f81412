import { describeRule, parseRule } from '../domain/rules/index.js';
import { type RuleLine, readRuleLines } from '../domain/rules/rule-file.js';
import { type InvalidRule, type MatchRunStats, matchRuleFiles } from '../services/topics/index.js';

/** What a command prints and how it exits: the CLI writes these out as they are. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: 0 | 2;
}

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

/**
 * `bulletin match --rules RULES.jsonl --stories STORIES [--stats] [--threads N]`: one JSON
 * line per story, in input order, with the ids of the matching rules in the order of the
 * rules file.
 */
export async function matchFiles(
  rulesJsonl: string,
  storiesText: string,
  stats: boolean,
  threads?: number,
): Promise<CommandOutput> {
  const result = await matchRuleFiles(rulesJsonl, storiesText, { threads });
  if (!result.ok) {
    const stderr = result.invalidRules.map((rule) => `rule ${describeInvalid(rule)}`);
    return { stdout: '', stderr: joinLines(stderr), exitCode: 2 };
  }
  const errors = [...result.storyErrors];
  if (stats) errors.push(...formatStats(result.stats));
  // A malformed story does not stop the others from being matched, but the run still
  // reports bad input through its exit status.
  const exitCode = result.storyErrors.length > 0 ? 2 : 0;
  return { stdout: result.output, stderr: joinLines(errors), exitCode };
}

function formatStats(stats: MatchRunStats): string[] {
  const { stories, matchMs } = stats;
  const perStory = (total: number) => (stories === 0 ? 0 : total / stories).toFixed(2);
  const rate = (ms: number) => (ms === 0 ? 0 : (stories * 1000) / ms).toFixed(0);
  const threads = `${stats.threads} thread${stats.threads === 1 ? '' : 's'}`;
  return [
    `stories: ${stories} in ${matchMs.toFixed(1)} ms (${rate(matchMs)} stories/s, ${threads})`,
    `candidates per story: ${perStory(stats.candidates)}`,
    `matches per story: ${perStory(stats.matches)}`,
    `index build: ${stats.rules} rules in ${stats.buildMs.toFixed(1)} ms`,
    `heap used: ${(stats.heapBytes / (1024 * 1024)).toFixed(1)} MB`,
    `whole run: ${stats.totalMs.toFixed(1)} ms (${rate(stats.totalMs)} stories/s)`,
  ];
}

function describeInvalid(entry: InvalidRule): string {
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
