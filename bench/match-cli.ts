/**
 * The end-to-end figure of the matcher benchmark: the real `bulletin match` (the build in
 * dist/) as a child process on rules and stories files, on one thread and on every core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from './run-child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'bulletin.js');

/** One run of the command: its own `--stats` figures and what the bench measured around it. */
export interface CliMatchRun {
  threads: number;
  /** Wall time of the whole process, start-up and writing the output included. */
  seconds: number;
  matchStoriesPerSecond: number;
  buildMs: number;
  heapMb: number;
  peakRssMb: number | null;
  outputBytes: number;
  candidatesPerStory: number;
  matchesPerStory: number;
}

/** Writes the rules and stories files the command reads. */
export function writeMatchFiles(
  dir: string,
  rules: readonly string[],
  stories: readonly object[],
): { rulesFile: string; storiesFile: string } {
  const rulesFile = path.join(dir, `rules-${rules.length}.jsonl`);
  const storiesFile = path.join(dir, `stories-${stories.length}.jsonl`);
  const ruleLines = rules.map((query, i) => JSON.stringify({ id: `r${i}`, query }));
  fs.writeFileSync(rulesFile, `${ruleLines.join('\n')}\n`);
  const storyLines = stories.map((story) => JSON.stringify(story));
  fs.writeFileSync(storiesFile, `${storyLines.join('\n')}\n`);
  return { rulesFile, storiesFile };
}

/** Runs `bulletin match --stats --threads N`. */
export async function runCliMatch(
  files: { rulesFile: string; storiesFile: string },
  threads: number,
): Promise<CliMatchRun> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('bench:match runs the built CLI: run `npm run build` first');
  }
  const args = ['match', '--rules', files.rulesFile, '--stories', files.storiesFile];
  // The output goes through a pipe to this process, all of it read, as a shell's `>` would.
  const run = await runNodeChild(BIN, [...args, '--stats', '--threads', String(threads)], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>) },
    timeoutMs: 600_000,
  });
  if (run.exitCode !== 0) throw new Error(`bulletin match failed: ${run.stderr}`);
  const figure = (pattern: RegExp) => Number(pattern.exec(run.stderr)?.[1] ?? Number.NaN);
  return {
    threads,
    seconds: run.seconds,
    matchStoriesPerSecond: figure(/\((\d+) stories\/s, \d+ threads?\)/),
    buildMs: figure(/rules in ([\d.]+) ms/),
    heapMb: figure(/heap used: ([\d.]+) MB/),
    peakRssMb: run.peakRssKb === null ? null : run.peakRssKb / 1024,
    outputBytes: Buffer.byteLength(run.stdout),
    candidatesPerStory: figure(/candidates per story: ([\d.]+)/),
    matchesPerStory: figure(/matches per story: ([\d.]+)/),
  };
}

export function makeBenchDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-match-'));
}
