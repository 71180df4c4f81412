import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The guard as bin/bulletin.js loads it: from the build (vitest's global setup makes it).
const GUARD = path.resolve(import.meta.dirname, '../../dist/src/cli/unsettled.js');

/** Runs a module of a few lines with node, as bin/bulletin.js is run. */
function runModule(dir: string, source: string) {
  const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, source);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [file], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The CLI's last guard: a command whose work can never settle ends with a line saying so and
 * status 1. Without it Node ends such a process with status 13 and nothing on stderr (what
 * `topics import` of JSON Lines did on PostgreSQL). No command has such a path any more, so the
 * guard is tried on promises made never to settle.
 */
describe('a command that can never finish', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-unsettled-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is what Node ends silently with status 13 when unguarded', async () => {
    const bare = await runModule(dir, 'await new Promise(() => {});\n');
    expect(bare.code).toBe(13);
  });

  it('says it stopped before it finished, that it is a bug, and exits 1', async () => {
    const guarded = await runModule(
      dir,
      `import { untilSettled, commandOf } from ${JSON.stringify(GUARD)};
       // A stream event listened for after it has happened: the kind of wait that never ends.
       const { EventEmitter } = await import('node:events');
       const stream = new EventEmitter();
       stream.emit('open');
       const work = new Promise((resolve) => stream.once('open', resolve));
       process.exitCode = await untilSettled(work, commandOf(['node', 'bulletin', 'topics', 'import', 'x.jsonl', '--dry-run']));
      `,
    );
    expect(guarded.code).toBe(1);
    expect(guarded.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^bulletin: bulletin topics import stopped before it finished .* this is a bug in Bulletin/,
      ),
    ]);
  });

  it('leaves alone work that finishes, however long it waits first', async () => {
    const slow = await runModule(
      dir,
      `import { untilSettled } from ${JSON.stringify(GUARD)};
       const work = new Promise((resolve) => setTimeout(() => resolve(3), 300));
       process.exitCode = await untilSettled(work, 'bulletin slow');
       process.stdout.write('done\\n');
      `,
    );
    expect(slow).toEqual({ code: 3, stdout: 'done\n', stderr: '' });
  });

  it('lets a failure through as it is', async () => {
    const failing = await runModule(
      dir,
      `import { untilSettled } from ${JSON.stringify(GUARD)};
       try { await untilSettled(Promise.reject(new Error('boom')), 'bulletin x'); }
       catch (error) { process.stdout.write(error.message); }
      `,
    );
    expect(failing).toEqual({ code: 0, stdout: 'boom', stderr: '' });
  });

  it('guards every command bin/bulletin.js runs', () => {
    const bin = fs.readFileSync(path.resolve(import.meta.dirname, '../../bin/bulletin.js'), 'utf8');
    expect(bin).toMatch(/await untilSettled\(runCli\(process\.argv\)/);
  });
});
