// Keeps every source file at 400 lines or fewer, so each can be read whole (`npm run
// check:imports` runs it after dependency-cruiser). Prints each file over the limit with its
// line count and exits 1. The files that were longer when the check came in are listed below
// with their length then: each may only shrink, and must leave the list once it fits.
import fs from 'node:fs';
import path from 'node:path';

const LIMIT = 400;
const FOLDERS = ['src', 'jobs', 'db', 'emails', 'bin', 'scripts', 'bench', 'test'];
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|sh)$/;
/** Build output, dependencies and what tests leave behind: nobody writes these by hand. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '__snapshots__', 'test-artifacts']);

/** Over the limit when this check came in, and their length then. The list only shrinks. */
const EXCEPTIONS = new Map([
  ['bench/digests.bench.ts', 617],
  ['test/config/settings.test.ts', 477],
  ['test/domain/schedule.test.ts', 561],
  ['test/email/email-renderer.test.ts', 490],
  ['test/http/reader-links.test.ts', 482],
  ['test/services/campaigns/campaigns.test.ts', 432],
]);

const root = path.resolve(import.meta.dirname, '..');

/** Project-relative paths, with `/` whatever the platform, of the code files under `folder`. */
function* codeFiles(folder) {
  const absolute = path.join(root, folder);
  if (!fs.existsSync(absolute)) return;
  for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
    const relative = `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) yield* codeFiles(relative);
    } else if (entry.isFile() && CODE.test(entry.name)) {
      yield relative;
    }
  }
}

/** Lines as an editor numbers them: a last line without its newline counts too. */
function lineCount(file) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const problems = [];
let checked = 0;
const seen = new Set();
for (const folder of FOLDERS) {
  for (const file of codeFiles(folder)) {
    checked += 1;
    seen.add(file);
    const lines = lineCount(file);
    const ceiling = EXCEPTIONS.get(file);
    if (ceiling === undefined) {
      if (lines > LIMIT) problems.push(`${file}: ${lines} lines (at most ${LIMIT})`);
    } else if (lines > ceiling) {
      problems.push(`${file}: ${lines} lines (listed at ${ceiling} and may only shrink)`);
    } else if (lines <= LIMIT) {
      problems.push(
        `${file}: ${lines} lines, within ${LIMIT} now: remove it from EXCEPTIONS in scripts/check-file-sizes.mjs`,
      );
    }
  }
}
for (const file of EXCEPTIONS.keys()) {
  if (!seen.has(file))
    problems.push(`${file}: listed in EXCEPTIONS but gone: remove it from the list`);
}

if (problems.length > 0) {
  process.stderr.write(`${problems.map((p) => `✖ ${p}`).join('\n')}\n`);
  process.stderr.write(
    `\n✖ ${problems.length} file(s) over the ${LIMIT}-line limit or listed wrongly\n`,
  );
  process.exitCode = 1;
} else {
  process.stdout.write(
    `✔ no file over ${LIMIT} lines (${checked} files; ${EXCEPTIONS.size} older ones listed, each only shrinking)\n`,
  );
}
