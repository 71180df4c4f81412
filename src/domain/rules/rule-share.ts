import type { MatchableStory } from '../story.js';
import { parseRule } from './parser.js';
import type { RuleRecord } from './rule-file.js';
import { RuleIndex } from './rule-index.js';
import { type TokenizedStory, tokenizeStory } from './tokenized-story.js';

/** A rule of a share that did not parse: its place in the share and the error. */
export interface InvalidShareRule {
  index: number;
  column: number;
  message: string;
}

/** What matching one share of the rules against every story gave. */
export interface ShareOutcome {
  /** Empty unless every rule of the share parsed; then nothing was matched. */
  invalid: InvalidShareRule[];
  /**
   * Per story, the share's matching rule ids as JSON strings joined by commas (`"a","b"`),
   * in the share's order: the caller joins the shares' fragments into the output line.
   */
  fragments: string[];
  candidates: number;
  matches: number;
  buildMs: number;
  matchMs: number;
}

/** Stories that anchor statistics are counted on: enough for stable shares, cheap to scan. */
const FREQUENCY_SAMPLE = 1000;

/**
 * How common each token and stem is among (at most the first 1,000 of) the stories to be
 * matched, as a share of them. Anchoring each rule on its rarest term, rather than its
 * longest, is what keeps candidates near the matches.
 */
export function countDocumentFrequencies(
  stories: readonly TokenizedStory[],
): (term: string) => number {
  const counts = new Map<string, number>();
  const sample = Math.min(stories.length, FREQUENCY_SAMPLE);
  const seen = new Set<string>();
  for (let s = 0; s < sample; s++) {
    seen.clear();
    for (const field of stories[s]!.fields) {
      for (const token of field.tokens) seen.add(token);
      for (const stem of field.stems) seen.add(stem);
    }
    for (const term of seen) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return sample === 0 ? () => 0 : (term) => (counts.get(term) ?? 0) / sample;
}

/**
 * Parses one share of a rules file, indexes it and matches every story against it: the
 * work of one thread of `bulletin match` (or all of it, on one thread). Rule ids are kept
 * in the index as JSON strings, so a story's output is a join with no escaping per id.
 */
export function matchRuleShare(
  rules: readonly RuleRecord[],
  stories: readonly MatchableStory[],
  clock: () => number,
): ShareOutcome {
  const outcome: ShareOutcome = {
    invalid: [],
    fragments: [],
    candidates: 0,
    matches: 0,
    buildMs: 0,
    matchMs: 0,
  };
  const buildStart = clock();
  const parsed = rules.map((record, index) => {
    const result = parseRule(record.query);
    if (!result.ok) {
      const { column, message } = result.error;
      outcome.invalid.push({ index, column, message });
    }
    return result;
  });
  if (outcome.invalid.length > 0) return outcome;
  const tokenized = stories.map(tokenizeStory);
  const index = new RuleIndex({ documentFrequency: countDocumentFrequencies(tokenized) });
  parsed.forEach((result, i) => {
    if (result.ok) index.add(JSON.stringify(rules[i]!.id), result.rule);
  });
  const matchStart = clock();
  outcome.buildMs = matchStart - buildStart;
  for (const story of tokenized) {
    const result = index.matchWithStats(story);
    outcome.candidates += result.candidates;
    outcome.matches += result.ids.length;
    outcome.fragments.push(result.ids.join(','));
  }
  outcome.matchMs = clock() - matchStart;
  return outcome;
}
