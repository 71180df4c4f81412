/**
 * Matcher benchmark: `npm run bench:match [-- --sizes 10000,100000 --stories 2000]`.
 *
 * Compares, on seeded synthetic data (bench/synthetic-data.ts), the rule index, the
 * reference evaluator over every rule, and the `liqe` package evaluating every rule.
 * The 1M-rule run peaks near 1 GB resident; where Node's default heap limit is lower
 * than that, run `NODE_OPTIONS=--max-old-space-size=2048 npm run bench:match`.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { filter as liqeFilter, parse as liqeParse } from 'liqe';
import {
  evaluateRule,
  type ParsedRule,
  parseRule,
  RuleIndex,
  type TokenizedStory,
  tokenizeStory,
} from '../src/domain/rules/index.js';
import { buildStoryLookup } from '../src/domain/rules/story-lookup.js';
import type { MatchableStory } from '../src/domain/story.js';
import { toLiqeQuery } from './liqe-query.js';
import { createRandom, SyntheticNews } from './synthetic-data.js';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

interface Options {
  sizes: number[];
  stories: number;
  seed: number;
}

function readOptions(argv: string[]): Options {
  const options: Options = { sizes: [10_000, 100_000, 1_000_000], stories: 2000, seed: 42 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] ?? '';
    if (argv[i] === '--sizes') options.sizes = value.split(',').map(Number);
    if (argv[i] === '--stories') options.stories = Number(value);
    if (argv[i] === '--seed') options.seed = Number(value);
  }
  return options;
}

/** Rule evaluations spent on each slow baseline per size (stories are extrapolated). */
const BASELINE_BUDGET = 1_000_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

function format(value: number, digits = 1): string {
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

function buildFrequencies(news: SyntheticNews, seed: number): (term: string) => number {
  // Document frequencies from an "archive" of stories that are not the measured ones.
  const random = createRandom(seed + 1);
  const counts = new Map<string, number>();
  const archive = 1000;
  for (let i = 0; i < archive; i++) {
    const story = tokenizeStory(news.story(random));
    const terms = new Set<string>();
    for (const field of story.fields) {
      for (const token of field.tokens) terms.add(token);
      for (const stem of field.stems) terms.add(stem);
    }
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return (term) => (counts.get(term) ?? 0) / archive;
}

/** Rules sampled for the slow baselines at large sizes; their time is scaled to all rules. */
const BASELINE_RULES = 100_000;

function runSize(
  size: number,
  news: SyntheticNews,
  stories: MatchableStory[],
  seed: number,
  frequency: (term: string) => number,
): void {
  console.log(`\n=== ${size.toLocaleString('en-US')} rules, ${stories.length} stories ===`);
  const random = createRandom(seed + size);
  // Only the query texts are kept: the index must not lean on parsed trees held elsewhere.
  const queries: string[] = [];
  let rejected = 0;
  while (queries.length < size) {
    const query = news.rule(random);
    if (parseRule(query).ok) queries.push(query);
    else rejected++;
  }
  const heapBefore = heapUsed();
  let parseMs = 0;
  let buildMs = 0;
  const index = new RuleIndex({ documentFrequency: frequency });
  const batch: ParsedRule[] = [];
  for (let start = 0; start < size; start += 10_000) {
    const t0 = performance.now();
    batch.length = 0;
    for (let i = start; i < Math.min(size, start + 10_000); i++) {
      batch.push((parseRule(queries[i]!) as { rule: ParsedRule }).rule);
    }
    const t1 = performance.now();
    batch.forEach((rule, k) => {
      index.add(`r${start + k}`, rule);
    });
    buildMs += performance.now() - t1;
    parseMs += t1 - t0;
  }
  batch.length = 0;
  const heapPerRule = (heapUsed() - heapBefore) / size;
  console.log(
    `parse ${format((parseMs * 1000) / size, 2)} µs/rule (${rejected} invalid generated rules skipped)`,
  );

  // Warm up the JIT on a few stories, then measure every story end to end.
  for (const story of stories.slice(0, 50)) index.match(tokenizeStory(story));
  const baselineStories = Math.max(
    2,
    Math.min(50, Math.round(BASELINE_BUDGET / Math.min(size, BASELINE_RULES))),
  );
  const latencies: number[] = [];
  let tokenizeMs = 0;
  let candidates = 0;
  let matches = 0;
  // Only the stories the baselines need are kept, so the heap stays that of a server.
  const tokenized: TokenizedStory[] = [];
  const matchedIds: string[][] = [];
  const cpuStart = process.cpuUsage();
  const runStart = performance.now();
  for (const story of stories) {
    const t0 = performance.now();
    const tokens = tokenizeStory(story);
    const t1 = performance.now();
    const result = index.matchWithStats(tokens);
    const t2 = performance.now();
    latencies.push(t2 - t0);
    tokenizeMs += t1 - t0;
    candidates += result.candidates;
    matches += result.ids.length;
    if (tokenized.length < baselineStories) {
      tokenized.push(tokens);
      matchedIds.push(result.ids);
    }
  }
  const runMs = performance.now() - runStart;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const n = stories.length;
  const indexRate = (n * 1000) / runMs;
  const cpuRate = (n * 1e6) / (cpu.user + cpu.system);
  // The lookup tables are built inside `match`; time them apart on a second pass.
  const lookupStart = performance.now();
  for (const story of stories.slice(0, 200)) buildStoryLookup(tokenizeStory(story));
  const lookupMs = performance.now() - lookupStart;
  const tokenizeOnlyStart = performance.now();
  for (const story of stories.slice(0, 200)) tokenizeStory(story);
  const lookupMean = (lookupMs - (performance.now() - tokenizeOnlyStart)) / Math.min(200, n);

  // Add/remove in place: take rules out and put them back (after a warm-up round).
  const step = Math.max(1, Math.floor(size / 2000));
  const churn = Array.from({ length: Math.min(2000, size) }, (_, i) => i * step);
  const churnRules = churn.map((i) => (parseRule(queries[i]!) as { rule: ParsedRule }).rule);
  let removeUs = 0;
  let addUs = 0;
  for (let round = 0; round < 2; round++) {
    const removeStart = performance.now();
    for (const i of churn) index.remove(`r${i}`);
    removeUs = ((performance.now() - removeStart) * 1000) / churn.length;
    const addStart = performance.now();
    churn.forEach((i, k) => {
      index.add(`r${i}`, churnRules[k]!);
    });
    addUs = ((performance.now() - addStart) * 1000) / churn.length;
  }

  // Baselines evaluate every rule (or a sample, scaled up) on a subset of the stories.
  const sampleSize = Math.min(size, BASELINE_RULES);
  const sample = Array.from({ length: sampleSize }, (_, k) => Math.floor((k * size) / sampleSize));
  const sampleRules = sample.map((i) => ({
    id: `r${i}`,
    rule: (parseRule(queries[i]!) as { rule: ParsedRule }).rule,
  }));
  const scale = size / sampleSize;
  let referenceMs = 0;
  let disagreements = 0;
  for (let s = 0; s < baselineStories; s++) {
    const story = tokenized[s]!;
    const start = performance.now();
    const expected = sampleRules
      .filter(({ rule }) => evaluateRule(rule, story))
      .map(({ id }) => id);
    referenceMs += performance.now() - start;
    const sampled = new Set(sampleRules.map(({ id }) => id));
    const got = matchedIds[s]!.filter((id) => sampled.has(id));
    if (expected.join() !== got.join()) disagreements++;
  }
  const referenceRate = (baselineStories * 1000) / (referenceMs * scale);

  const liqeRules: Array<ReturnType<typeof liqeParse>> = [];
  let liqeUnparsed = 0;
  for (const { rule } of sampleRules) {
    try {
      liqeRules.push(liqeParse(toLiqeQuery(rule)));
    } catch {
      liqeUnparsed++;
    }
  }
  let liqeMs = 0;
  let liqeMatches = 0;
  for (let s = 0; s < baselineStories; s++) {
    const { headline, summary, body } = stories[s]!;
    const { tagValues, section } = tokenized[s]!;
    const document = [{ headline, summary, body, tags: tagValues, section: section ?? '' }];
    const start = performance.now();
    for (const ast of liqeRules) if (liqeFilter(ast, document).length > 0) liqeMatches++;
    liqeMs += performance.now() - start;
  }
  const liqeRate = (baselineStories * 1000) / (liqeMs * scale);
  const sampled =
    sampleSize < size ? `, ${sampleSize.toLocaleString('en-US')} rules scaled ×${scale}` : '';

  const rows: Array<[string, string]> = [
    ['index: stories/s (wall; per CPU second)', `${format(indexRate, 0)} (${format(cpuRate, 0)})`],
    [
      'index: p50 / p99 per story (ms)',
      `${format(percentile(latencies, 50), 3)} / ${format(percentile(latencies, 99), 3)}`,
    ],
    [
      '  of which tokenize / lookup tables (ms, mean)',
      `${format(tokenizeMs / n, 3)} / ${format(lookupMean, 3)}`,
    ],
    [
      '  candidates / matches per story',
      `${format(candidates / n)} / ${format(matches / n)} (ratio ${format(candidates / Math.max(1, matches), 2)})`,
    ],
    [
      'index build: add (ms total; µs per rule)',
      `${format(buildMs, 0)}; ${format((buildMs * 1000) / size, 2)}`,
    ],
    ['heap per rule (bytes, index only)', format(heapPerRule, 0)],
    ['add / remove (µs per rule)', `${format(addUs, 2)} / ${format(removeUs, 2)}`],
    [`reference: stories/s (${baselineStories} stories${sampled})`, format(referenceRate, 2)],
    [
      'reference agrees with index on those stories',
      disagreements === 0 ? 'yes' : `NO (${disagreements} differ)`,
    ],
    [
      `liqe: stories/s (${baselineStories} stories${sampled})`,
      `${format(liqeRate, 2)} (matches/story ${format((liqeMatches * scale) / baselineStories)}; ${liqeUnparsed} rules not parsed)`,
    ],
    ['index / reference', `${format(indexRate / referenceRate, 0)}×`],
    ['index / liqe', `${format(indexRate / liqeRate, 0)}×`],
    ['process RSS (MB)', format(process.memoryUsage().rss / 2 ** 20, 0)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

function main(): void {
  const options = readOptions(process.argv.slice(2));
  const news = new SyntheticNews(options.seed);
  const random = createRandom(options.seed + 7);
  const stories = Array.from({ length: options.stories }, () => news.story(random));
  const frequency = buildFrequencies(news, options.seed);
  console.log(`Matcher benchmark (seed ${options.seed}), one core, Node ${process.version}`);
  console.log('Per-story times include tokenizing the story. The reference evaluator and liqe');
  console.log('evaluate every rule on a subset of the stories; their rates are extrapolated.');
  console.log('liqe approximates: words by a case-insensitive substring of their stem, phrases by');
  console.log('a case-sensitive substring, prefixes by a substring wildcard, NEAR by AND,');
  console.log(
    'unqualified terms also search the section; tag:X and section:X by a substring of the',
  );
  console.log('normalized value.');
  for (const size of options.sizes) runSize(size, news, stories, options.seed, frequency);
}

main();
