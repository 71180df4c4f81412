/**
 * Matcher benchmark: `npm run bench:match [-- --sizes 100000 --stories 2000 --no-cli]`.
 *
 * On seeded synthetic data (bench/synthetic-data.ts: readers' own queries over a Zipf
 * vocabulary, the load of issue 21), side by side in one run: the rule index in this
 * process, the reference evaluator over every rule, and the `liqe` package evaluating every
 * rule; then the real `bulletin match` command end to end (the build in dist/), on one
 * thread and on every core. The reference and liqe evaluate every rule on a few stories and
 * their rates are extrapolated (at 1M rules, from a sample of 100k rules).
 */
import fs from 'node:fs';
import os from 'node:os';
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
import { countDocumentFrequencies } from '../src/domain/rules/rule-share.js';
import { buildStoryLookup } from '../src/domain/rules/story-lookup.js';
import type { MatchableStory } from '../src/domain/story.js';
import { toLiqeQuery } from './liqe-query.js';
import { makeBenchDirectory, runCliMatch, writeMatchFiles } from './match-cli.js';
import { createRandom, SyntheticNews } from './synthetic-data.js';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

interface Options {
  sizes: number[];
  stories: number;
  seed: number;
  cli: boolean;
}

function readOptions(argv: string[]): Options {
  const options: Options = { sizes: [100_000, 1_000_000], stories: 2000, seed: 42, cli: true };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] ?? '';
    if (argv[i] === '--sizes') options.sizes = value.split(',').map(Number);
    if (argv[i] === '--stories') options.stories = Number(value);
    if (argv[i] === '--seed') options.seed = Number(value);
    if (argv[i] === '--no-cli') options.cli = false;
  }
  return options;
}

/** Rule evaluations spent on each slow baseline per size (stories are extrapolated). */
const BASELINE_BUDGET = 500_000;

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

/** Stories matched at sizes above 100k rules. */
const LARGE_SIZE_STORIES = 200;

/** Rules sampled for the slow baselines at large sizes; their time is scaled to all rules. */
const BASELINE_RULES = 100_000;

async function runSize(
  size: number,
  news: SyntheticNews,
  stories: MatchableStory[],
  options: Options,
  frequency: (term: string) => number,
): Promise<void> {
  const random = createRandom(options.seed + size);
  // Only the query texts are kept: the index must not lean on parsed trees held elsewhere.
  // Every rule is distinct, as readers' own queries are.
  const queries: string[] = [];
  const seen = new Set<string>();
  let rejected = 0;
  while (queries.length < size) {
    const query = news.readerQuery(random);
    if (seen.has(query)) continue;
    seen.add(query);
    if (parseRule(query).ok) queries.push(query);
    else rejected++;
  }
  seen.clear();
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

  const k = (value: number) => format(value, 0);
  const shape =
    `${size.toLocaleString('en-US')} rules × ${n.toLocaleString('en-US')} stories: ` +
    `${k(matches / n)} matches (${format((100 * matches) / n / size, 2)} % of rules) and ` +
    `${k(candidates / n)} candidates per story`;
  console.log(`\n=== ${shape} ===`);
  console.log(`parse ${format((parseMs * 1000) / size, 2)} µs/rule (${rejected} invalid skipped)`);
  const baseline = `${baselineStories} stories${sampled}`;
  const rows: Array<[string, string, string, string]> = [
    ['', 'index', `reference (${baseline})`, `liqe (${baseline})`],
    ['stories/s (wall)', k(indexRate), format(referenceRate, 2), format(liqeRate, 2)],
    ['stories per CPU second', k(cpuRate), '', ''],
    ['candidates per story', format(candidates / n), k(size), k(size)],
    [
      'matches per story',
      format(matches / n),
      disagreements === 0 ? 'the same (checked)' : `NO: ${disagreements} stories differ`,
      `${format((liqeMatches * scale) / baselineStories)} (approximate, see above)`,
    ],
    ['candidates per match', format(candidates / Math.max(1, matches), 2), '', ''],
    [
      'index build (s; µs per rule)',
      `${format(buildMs / 1000, 2)}; ${format((buildMs * 1000) / size, 2)}`,
      'none',
      `none (${liqeUnparsed} rules not parsed)`,
    ],
    [
      'index heap (MB; bytes per rule)',
      `${k((heapPerRule * size) / 2 ** 20)}; ${k(heapPerRule)}`,
      '',
      '',
    ],
    [
      'p50 / p99 per story (ms)',
      `${format(percentile(latencies, 50), 3)} / ${format(percentile(latencies, 99), 3)}`,
      '',
      '',
    ],
    [
      '  tokenize / lookup tables (ms)',
      `${format(tokenizeMs / n, 3)} / ${format(lookupMean, 3)}`,
      '',
      '',
    ],
    ['add / remove (µs per rule)', `${format(addUs, 2)} / ${format(removeUs, 2)}`, '', ''],
    ['index is faster by', '', `${k(indexRate / referenceRate)}×`, `${k(indexRate / liqeRate)}×`],
  ];
  printTable(rows);
  if (options.cli) await runCommand(queries, stories, shape);
}

function printTable(rows: Array<[string, string, string, string]>): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) {
    console.log(
      `${row[0].padEnd(widths[0]!)}  ${row[1].padStart(widths[1]!)}  ${row[2].padStart(widths[2]!)}  ${row[3]}`,
    );
  }
}

/** `bulletin match` end to end on the same rules and stories, one thread then every core. */
async function runCommand(
  queries: string[],
  stories: MatchableStory[],
  shape: string,
): Promise<void> {
  const dir = makeBenchDirectory();
  const records = stories.map((story, i) => ({
    id: `s${i}`,
    url: `https://news.example.com/s${i}`,
    publishedAt: '2026-11-27T08:00:00Z',
    ...story,
  }));
  const files = writeMatchFiles(dir, queries, records);
  console.log(`bulletin match --stats, ${shape}:`);
  const threadCounts = [...new Set([1, os.availableParallelism()])];
  let single = 0;
  for (const threads of threadCounts) {
    const run = await runCliMatch(files, threads);
    const wholeRate = stories.length / run.seconds;
    if (threads === 1) single = run.matchStoriesPerSecond;
    const speedUp =
      threads === 1 ? '' : `, ${format(run.matchStoriesPerSecond / single, 2)}× one thread`;
    console.log(
      `  ${threads} thread${threads === 1 ? ': ' : 's:'} matching ${k0(run.matchStoriesPerSecond)} stories/s${speedUp}; ` +
        `whole process ${format(run.seconds, 1)} s (${k0(wholeRate)} stories/s, start-up, reading, ` +
        `building and ${format(run.outputBytes / 2 ** 20, 1)} MB of output included); index build ` +
        `${format(run.buildMs / 1000, 2)} s, heap ${k0(run.heapMb)} MB, peak RSS ${run.peakRssMb === null ? '?' : k0(run.peakRssMb)} MB`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

function k0(value: number): string {
  return format(value, 0);
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const news = new SyntheticNews(options.seed);
  const random = createRandom(options.seed + 7);
  const stories = Array.from({ length: options.stories }, () => news.story(random));
  // Anchors are chosen by the measured stories' own term frequencies, as `bulletin match` does.
  const frequency = countDocumentFrequencies(stories.map(tokenizeStory));
  const cores = os.availableParallelism();
  console.log(
    `Matcher benchmark (seed ${options.seed}), Node ${process.version}, ${cores} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    "Rules: readers' own queries, 1-3 words of a Zipf vocabulary (bench/synthetic-data.ts),",
  );
  console.log('all distinct. Stories: ~600 tokens about 1-3 topics. The index column runs in this');
  console.log('process on one thread; per-story times include tokenizing the story. The reference');
  console.log(
    'evaluator and liqe evaluate every rule on a few stories; their rates are extrapolated.',
  );
  console.log('liqe approximates: words by a case-insensitive substring of their stem, phrases by');
  console.log('a case-sensitive substring, prefixes by a substring wildcard, NEAR by AND,');
  console.log(
    'unqualified terms also search the section; tag:X and section:X by a substring of the',
  );
  console.log('normalized value.');
  for (const size of options.sizes) {
    // Past 100k rules a story costs ten times more everywhere: fewer stories keep the run
    // within minutes (the shape line says how many).
    const measured = size > 100_000 ? stories.slice(0, LARGE_SIZE_STORIES) : stories;
    await runSize(size, news, measured, options, frequency);
  }
  console.log(
    `\nload average at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

await main();
