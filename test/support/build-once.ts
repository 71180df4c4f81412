import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * vitest's global setup: the tests run the CLI and `bulletin start` as a user does, from the
 * build (`bin/bulletin.js` → `dist/`), so the build is brought up to date with the sources
 * first (incremental: a few seconds when nothing changed). A type error does not stop the
 * tests (the compiler still writes the JavaScript; `npm run typecheck` is the check for it),
 * but it is shown.
 */
export default function buildOnce(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0)
    process.stderr.write(`the build reported errors:\n${build.stdout}${build.stderr}\n`);
}
