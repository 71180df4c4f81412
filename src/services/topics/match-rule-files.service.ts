import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { matchSharesInThreads, type ThreadOutcome } from '../../adapters/rule-match-pool.js';
import { type RuleRecord, readRuleRecords } from '../../domain/rules/rule-file.js';
import { matchRuleShare } from '../../domain/rules/rule-share.js';
import { type MatchableStory, parseStoriesText } from '../../domain/story.js';

/** A rule of the file that cannot be matched: its id (when it has one), line and why. */
export interface InvalidRule {
  id: string | null;
  line: number;
  column: number | null;
  message: string;
}

/** How a run of `matchRuleFiles` went, for `--stats`. */
export interface MatchRunStats {
  stories: number;
  rules: number;
  threads: number;
  candidates: number;
  matches: number;
  /** Parsing, tokenizing and indexing, the slowest thread's. */
  buildMs: number;
  /** Matching every story, the slowest thread's. */
  matchMs: number;
  /** From reading the files to the last output line. */
  totalMs: number;
  /** Heap of every thread together, once matched. */
  heapBytes: number;
}

export type MatchRunResult =
  | { ok: false; invalidRules: InvalidRule[] }
  | { ok: true; output: string; storyErrors: string[]; stats: MatchRunStats };

/** Below this many rules a thread costs more to start than it saves. */
const RULES_PER_THREAD = 20_000;

/**
 * Matches stories against a rules file: one JSON line per well-formed story, in input
 * order, `{"story", "rules"}` with the ids in file order. The rules are cut into one
 * contiguous share per thread, so joining the shares' matches in share order keeps file
 * order. A rules file with an invalid rule matches nothing.
 */
export async function matchRuleFiles(
  rulesJsonl: string,
  storiesText: string,
  options: { threads?: number } = {},
): Promise<MatchRunResult> {
  const start = performance.now();
  const lines = readRuleRecords(rulesJsonl);
  const invalidRules: InvalidRule[] = [];
  const records: RuleRecord[] = [];
  const lineOf: number[] = [];
  for (const entry of lines) {
    if (entry.ok) {
      records.push(entry.record);
      lineOf.push(entry.line);
    } else {
      const { id, line, column, message } = entry;
      invalidRules.push({ id, line, column, message });
    }
  }
  const storyErrors: string[] = [];
  const stories: MatchableStory[] = [];
  const storyIds: string[] = [];
  for (const record of parseStoriesText(storiesText)) {
    if (!record.ok) storyErrors.push(`story at ${record.position}: ${record.error}`);
    else {
      // Only the text goes to the threads: less to copy.
      const { id, headline, summary, body, tags, section } = record.story;
      stories.push({ headline, summary, body, tags, section });
      storyIds.push(id);
    }
  }
  const threads = threadCount(options.threads, records.length);
  const shares = cutShares(records, threads);
  const outcomes = await matchShares(shares, stories, threads);
  let offset = 0;
  outcomes.forEach(({ outcome }, s) => {
    for (const { index, column, message } of outcome.invalid) {
      const record = shares[s]![index]!;
      invalidRules.push({ id: record.id, line: lineOf[offset + index]!, column, message });
    }
    offset += shares[s]!.length;
  });
  if (invalidRules.length > 0) {
    return { ok: false, invalidRules: invalidRules.sort((a, b) => a.line - b.line) };
  }
  const output = joinOutput(storyIds, outcomes);
  const stats: MatchRunStats = {
    stories: stories.length,
    rules: records.length,
    threads,
    candidates: sum(outcomes, (o) => o.outcome.candidates),
    matches: sum(outcomes, (o) => o.outcome.matches),
    buildMs: Math.max(0, ...outcomes.map((o) => o.outcome.buildMs)),
    matchMs: Math.max(0, ...outcomes.map((o) => o.outcome.matchMs)),
    totalMs: performance.now() - start,
    heapBytes: sum(outcomes, (o) => o.heapBytes),
  };
  return { ok: true, output, storyErrors, stats };
}

function threadCount(asked: number | undefined, rules: number): number {
  if (asked !== undefined) return Math.max(1, Math.floor(asked));
  const cores = os.availableParallelism();
  return Math.max(1, Math.min(cores, Math.floor(rules / RULES_PER_THREAD)));
}

function cutShares(records: RuleRecord[], count: number): RuleRecord[][] {
  const size = Math.ceil(records.length / count);
  return Array.from({ length: count }, (_, i) => records.slice(i * size, (i + 1) * size));
}

/** One thread matches in this one, with no worker to start; more go to worker threads. */
async function matchShares(
  shares: RuleRecord[][],
  stories: MatchableStory[],
  threads: number,
): Promise<ThreadOutcome[]> {
  if (threads > 1) return matchSharesInThreads(shares, stories);
  const outcome = matchRuleShare(shares[0]!, stories, () => performance.now());
  return [{ outcome, heapBytes: process.memoryUsage().heapUsed }];
}

/** The output, built as one string: each story's line joins the shares' fragments. */
function joinOutput(storyIds: string[], outcomes: ThreadOutcome[]): string {
  const parts: string[] = [];
  for (let s = 0; s < storyIds.length; s++) {
    let rules = '';
    for (const { outcome } of outcomes) {
      const fragment = outcome.fragments[s]!;
      if (fragment === '') continue;
      rules = rules === '' ? fragment : `${rules},${fragment}`;
    }
    parts.push(`{"story":${JSON.stringify(storyIds[s])},"rules":[${rules}]}\n`);
  }
  return parts.join('');
}

function sum(outcomes: ThreadOutcome[], of: (outcome: ThreadOutcome) => number): number {
  return outcomes.reduce((total, outcome) => total + of(outcome), 0);
}
