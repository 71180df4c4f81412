/*
 * Runs the inbound reader over a directory of real messages (eml files, a maildir, any tree
 * of one-message files) and says what it made of them: how many of each format and kind, how
 * fast, and, given the expected answers, where it agrees and where not.
 *
 *     npm run check:bounce-corpus -- DIR [--expected ANSWERS.json] [--list] [--repeat N]
 *
 * ANSWERS.json maps each file's path relative to DIR to the recipients it should report:
 *
 *     { "lhost-postfix-01.eml": [{ "recipient": "ann@example.com", "kind": "hard" }], … }
 *
 * `kind` is hard, soft, complaint, unsubscribe or ignored, or `bounce` where either hard or
 * soft is right (the source of the answers does not say). A file missing from it is counted,
 * not compared. No corpus and no answers are part of Bulletin: they come from elsewhere, under
 * their own licences, and stay there.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readInboundMessage } from '../src/adapters/mail-in/read-inbound-message.js';
import type { InboundReport, ReportKind } from '../src/domain/bounces/index.js';

interface Expected {
  recipient: string | null;
  kind: ReportKind | 'bounce';
}

interface Options {
  dir: string;
  expected: string | null;
  list: boolean;
  repeat: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { dir: '', expected: null, list: false, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--expected') options.expected = argv[++i] ?? null;
    else if (arg === '--list') options.list = true;
    else if (arg === '--repeat') options.repeat = Math.max(1, Number(argv[++i]) || 1);
    else if (!arg.startsWith('--') && options.dir === '') options.dir = arg;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.dir === '') {
    throw new Error(
      'usage: check-bounce-corpus DIR [--expected ANSWERS.json] [--list] [--repeat N]',
    );
  }
  return options;
}

/** Every regular file under a directory, sorted, dot files and dot directories left out. */
function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(at, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push(path);
    }
  };
  walk(dir);
  return files;
}

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`;
}

function kindMatches(expected: Expected['kind'], got: ReportKind): boolean {
  return expected === 'bounce' ? got === 'hard' || got === 'soft' : expected === got;
}

interface Comparison {
  entries: number;
  recipientsExpected: number;
  recipientsFound: number;
  kindsAgreeing: number;
  bothAgreeing: number;
  disagreements: string[];
}

function compare(
  path: string,
  expected: Expected[],
  report: InboundReport,
  into: Comparison,
): void {
  for (const want of expected) {
    into.entries++;
    const wanted = want.recipient?.toLowerCase() ?? null;
    const byAddress = wanted ? report.recipients.find((r) => r.recipient === wanted) : undefined;
    const got = byAddress ?? report.recipients[0];
    const kindOk = got !== undefined && kindMatches(want.kind, got.kind);
    // An ignored message names nobody; only a report that names someone can name the wrong one.
    const recipientOk =
      want.recipient === null || want.kind === 'ignored' || byAddress !== undefined;
    if (want.recipient !== null && want.kind !== 'ignored') {
      into.recipientsExpected++;
      if (byAddress) into.recipientsFound++;
    }
    if (kindOk) into.kindsAgreeing++;
    if (kindOk && recipientOk) into.bothAgreeing++;
    if (!kindOk || !recipientOk) {
      const gotText = report.recipients.map((r) => `${r.kind} ${r.recipient ?? '-'}`).join(', ');
      into.disagreements.push(
        `${path}: expected ${want.kind} ${want.recipient ?? '-'}; got ${gotText} [${report.format}: ${report.reason}]`,
      );
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const answers: Record<string, Expected[]> = options.expected
    ? JSON.parse(readFileSync(options.expected, 'utf8'))
    : {};
  const files = filesUnder(options.dir);
  const raws = files.map((file) => readFileSync(file));
  const formats = new Map<string, number>();
  const kinds = new Map<string, number>();
  const times: number[] = [];
  const comparison: Comparison = {
    entries: 0,
    recipientsExpected: 0,
    recipientsFound: 0,
    kindsAgreeing: 0,
    bothAgreeing: 0,
    disagreements: [],
  };
  let unanswered = 0;
  let unknown = 0;
  let started = 0;
  let cpuStarted = process.cpuUsage();
  for (let pass = 0; pass < options.repeat; pass++) {
    const last = pass === options.repeat - 1;
    if (last) {
      started = performance.now();
      cpuStarted = process.cpuUsage();
    }
    for (let i = 0; i < files.length; i++) {
      const t0 = performance.now();
      const report = await readInboundMessage(raws[i] as Buffer);
      if (!last) continue;
      times.push(performance.now() - t0);
      const path = relative(options.dir, files[i] as string)
        .split(sep)
        .join('/');
      count(formats, report.format);
      if (report.format === 'unknown') unknown++;
      for (const r of report.recipients) count(kinds, r.kind);
      if (options.list) {
        const who = report.recipients.map((r) => `${r.kind}:${r.recipient ?? '-'}`).join(' ');
        console.log(`${path}\t${report.format}\t${who}\t${report.reason}`);
      }
      const expected = answers[path];
      if (expected) compare(path, expected, report, comparison);
      else unanswered++;
    }
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

  console.log(`messages: ${files.length}`);
  console.log(
    `recognised (a format other than unknown): ${files.length - unknown} (${percent(files.length - unknown, files.length)})`,
  );
  console.log('formats:');
  for (const [format, n] of [...formats].sort((a, b) => b[1] - a[1]))
    console.log(`  ${format.padEnd(20)} ${n}`);
  console.log('recipient reports by kind:');
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1]))
    console.log(`  ${kind.padEnd(20)} ${n}`);
  console.log(
    `time: ${elapsed.toFixed(0)} ms in all, ${(elapsed / Math.max(1, files.length)).toFixed(3)} ms per message` +
      ` (p50 ${at(0.5).toFixed(3)}, p95 ${at(0.95).toFixed(3)}, max ${at(1).toFixed(1)} ms);` +
      ` CPU ${(cpuMs / Math.max(1, files.length)).toFixed(3)} ms per message` +
      (options.repeat > 1
        ? ` (pass ${options.repeat} of ${options.repeat}, warm)`
        : ' (cold: --repeat 3 for warm)'),
  );
  if (options.expected) {
    const c = comparison;
    console.log(
      `compared with ${options.expected}: ${c.entries} expected recipient entries (${unanswered} files without an answer)`,
    );
    console.log(`  kind agrees:      ${c.kindsAgreeing} (${percent(c.kindsAgreeing, c.entries)})`);
    console.log(
      `  recipient found:  ${c.recipientsFound} of ${c.recipientsExpected} named (${percent(c.recipientsFound, c.recipientsExpected)})`,
    );
    console.log(`  both agree:       ${c.bothAgreeing} (${percent(c.bothAgreeing, c.entries)})`);
    if (c.disagreements.length > 0) {
      console.log('disagreements:');
      for (const line of c.disagreements) console.log(`  ${line}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
