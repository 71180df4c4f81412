// `npm test`: the main suite, then the fault suite, each run whatever the other gave, and
// both verdicts printed at the end; the exit status is 1 when either failed. Arguments are
// passed to both (`npm test -- --reporter dot`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const suites = [
  { name: 'main suite', args: ['run'] },
  { name: 'fault suite', args: ['run', '--config', 'test/faults/vitest.config.ts'] },
];
const extra = process.argv.slice(2);
const verdicts = suites.map(({ name, args }) => {
  process.stdout.write(`\n== ${name}\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [vitest, ...args, ...extra], {
    cwd: root,
    stdio: 'inherit',
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  return {
    name,
    ok: run.status === 0,
    detail: run.signal ? `killed by ${run.signal}` : `exit ${run.status}`,
    seconds,
  };
});
process.stdout.write('\n== verdicts\n');
for (const { name, ok, detail, seconds } of verdicts)
  process.stdout.write(
    `${name.padEnd(12)} ${ok ? 'passed' : `FAILED (${detail})`}  ${seconds} s\n`,
  );
process.exitCode = verdicts.every(({ ok }) => ok) ? 0 : 1;
