/**
 * Where a process spent its CPU time, from the `.cpuprofile` files `node --cpu-prof` writes:
 * self time per part of the stack (database, rendering, SMTP client, …) and the busiest
 * functions. A native function (better-sqlite3's statements, a crypto call) counts for the
 * part of the JavaScript that called it; "idle" is time spent waiting on I/O.
 *
 *   npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile|DIR ...
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Milliseconds of self time by part, largest first. */
  parts: [string, number][];
  /** The functions with the most self time: label and milliseconds. */
  functions: [string, number][];
}

/** The parts a time split names: "queries", "rendering", "SMTP". */
export const PART_GROUPS: Record<string, string[]> = {
  queries: ['SQLite driver', 'PostgreSQL driver', 'Kysely', 'repositories (db/)'],
  rendering: ['rendering (React, React Email, src/email)'],
  SMTP: ['SMTP client (nodemailer)'],
};

const PACKAGE_PARTS: [RegExp, string][] = [
  [/^better-sqlite3$/, 'SQLite driver'],
  [/^(pg|pg-.+|postgres-.+|pgpass)$/, 'PostgreSQL driver'],
  [/^kysely$/, 'Kysely'],
  [
    /^(react|react-dom|scheduler|@react-email\/.+|react-email|html-to-text|htmlparser2|domhandler|domutils|dom-serializer|entities|selderee|parseley|leac|peberminta|deepmerge|prettier|md-to-react-email|marked)$/,
    'rendering (React, React Email, src/email)',
  ],
  [/^nodemailer$/, 'SMTP client (nodemailer)'],
  [/^(tsx|esbuild|get-tsconfig|resolve-pkg-maps|source-map-support)$/, 'start-up (tsx)'],
  [/^(pino|sonic-boom|thread-stream|pino-.+|on-exit-leak-free|atomic-sleep)$/, 'logging (pino)'],
  [/^luxon$/, 'schedule arithmetic (luxon)'],
  [/^zod$/, 'validation (zod)'],
];

/** bench/child-probes.mjs wraps the drivers: a wrapper's self time is the native call's. */
const PROBES = new Map([
  ['timed', 'SQLite driver'],
  ['timedPrepare', 'SQLite driver'],
  ['timedQuery', 'PostgreSQL driver'],
  ['timedSendMail', 'SMTP client (nodemailer)'],
]);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The part of the program a script URL belongs to; null for frames without a script. */
function partOf(url: string): string | null {
  if (!url) return null;
  const packages = [...url.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
  const pkg = packages.at(-1)?.[1];
  if (pkg) {
    // Kysely's drivers are where a query waits for the database: better-sqlite3 runs each
    // statement inside the driver's call, so its native time shows there.
    if (pkg === 'kysely' && /\/dialect\/sqlite\/sqlite-driver\.js$/.test(url))
      return 'SQLite driver';
    if (pkg === 'kysely' && /\/dialect\/postgres\/postgres-driver\.js$/.test(url))
      return 'PostgreSQL driver';
    for (const [pattern, part] of PACKAGE_PARTS) if (pattern.test(pkg)) return part;
    return `library ${pkg}`;
  }
  if (url.startsWith('node:') || !url.includes('/')) return 'Node internals (streams, sockets)';
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  const relative = path.relative(REPO, file);
  if (relative.startsWith('..')) return 'other';
  if (/^(src\/email|emails)\//.test(relative)) return 'rendering (React, React Email, src/email)';
  if (relative.startsWith('db/')) return 'repositories (db/)';
  if (relative.startsWith('src/domain/')) return 'domain (src/domain)';
  if (relative.startsWith('src/adapters/mail/')) return 'SMTP client (nodemailer)';
  if (relative.startsWith('src/') || relative.startsWith('jobs/'))
    return 'services, jobs, CLI (src/, jobs/)';
  return `other (${relative.split('/')[0]})`;
}

const SPECIAL = new Map([
  ['(garbage collector)', 'garbage collection'],
  ['(idle)', 'idle (waiting on I/O)'],
  ['(program)', 'V8 and native code outside JavaScript'],
]);

export function summarizeProfiles(files: string[]): ProfileSummary {
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes)
      for (const child of node.children ?? []) parent.set(child, node.id);
    const partCache = new Map<number, string>();
    const resolvePart = (id: number): string => {
      const cached = partCache.get(id);
      if (cached) return cached;
      const frame = (byId.get(id) as ProfileNode).callFrame;
      const part =
        SPECIAL.get(frame.functionName) ??
        PROBES.get(frame.functionName) ??
        partOf(frame.url) ??
        (parent.has(id) ? resolvePart(parent.get(id) as number) : 'other');
      partCache.set(id, part);
      return part;
    };
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      totalUs += us;
      const part = resolvePart(id);
      parts.set(part, (parts.get(part) ?? 0) + us);
      const frame = (byId.get(id) as ProfileNode).callFrame;
      const where = frame.url
        ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
        : `native, in ${part}`;
      const label = `${frame.functionName || '(anonymous)'} ${where}`;
      functions.set(label, (functions.get(label) ?? 0) + us);
    });
  }
  const ms = (entries: Map<string, number>) =>
    [...entries].map(([k, us]) => [k, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { totalMs: totalUs / 1000, parts: ms(parts), functions: ms(functions).slice(0, 15) };
}

function shortUrl(url: string): string {
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  const inModules = file.lastIndexOf('/node_modules/');
  if (inModules >= 0) return file.slice(inModules + '/node_modules/'.length);
  return path.relative(REPO, file).startsWith('..') ? file : path.relative(REPO, file);
}

/** The summary as lines of text, with the queries / rendering / SMTP split first. */
export function formatProfileSummary(summary: ProfileSummary): string[] {
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, summary.totalMs)).toFixed(1)}%`;
  const busy =
    summary.totalMs - (summary.parts.find(([p]) => p === 'idle (waiting on I/O)')?.[1] ?? 0);
  const group = (names: string[]) =>
    summary.parts.filter(([p]) => names.includes(p)).reduce((sum, [, ms]) => sum + ms, 0);
  const split = Object.entries(PART_GROUPS).map(([name, members]) => {
    const ms = group(members);
    return `${name} ${(ms / 1000).toFixed(1)} s (${((100 * ms) / Math.max(1, busy)).toFixed(0)}% of busy)`;
  });
  return [
    `CPU profile: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy; ${split.join(', ')}`,
    ...summary.parts.map(
      ([part, ms]) => `  ${part.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${pct(ms)}`,
    ),
    '  busiest functions (self time):',
    ...summary.functions.map(
      ([label, ms]) => `    ${(ms / 1000).toFixed(2).padStart(7)} s  ${label.slice(0, 110)}`,
    ),
  ];
}

/**
 * The `.cpuprofile` files named, directories expanded to their main-thread profiles
 * (`CPU.<date>.<time>.<pid>.0.<n>.cpuprofile`; tsx's loader thread writes one of its own).
 */
export function profileFiles(paths: string[]): string[] {
  return paths.flatMap((p) =>
    fs.statSync(p).isDirectory()
      ? fs
          .readdirSync(p)
          .filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
          .map((f) => path.join(p, f))
      : [p],
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const files = profileFiles(process.argv.slice(2));
  if (files.length === 0) {
    console.error('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile|DIR ...');
    process.exit(2);
  }
  for (const line of formatProfileSummary(summarizeProfiles(files))) console.log(line);
}
