import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'vitest';
import { pollUntil, startDigestDrill, statusCounts } from '../support/digest-drill.js';
import { expectOnceAndNoneLost, reportDigests, tallyDigests } from '../support/digest-tally.js';
import { runCli } from '../support/run-cli.js';
import { DIALECTS } from '../support/test-database.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

/**
 * A morning's daily digests sent by `bulletin digests run` (cron's way, no worker running),
 * SIGKILLed half-way, then run again at once. The second run must send every digest the first
 * left queued or never built, once, and list the few the first left `sending` (the server may
 * have them) instead of sending them again. Before, it found "due digests 0" and sent nothing.
 */
const READERS = 150;
/**
 * The server holds each reply this long: 5 sends at once make about 25 a second, so the kill
 * lands mid-run, with messages the server has and whose sender never heard of.
 */
const REPLY_DELAY_MS = 200;
const TEST_MS = 240_000;

describe.concurrent.each(DIALECTS)('digests run on %s', (dialect) => {
  /**
   * Would fail if the rerun left the queued digests unsent or the unbuilt ones unbuilt (lost),
   * sent again one the killed run had handed over (duplicate), or did not list those.
   */
  it(
    'killed half-way and run again: each reader gets one digest, the ones left sending are listed',
    async ({ expect, onTestFinished }) => {
      const drill = await startDigestDrill({ dialect, readers: READERS });
      onTestFinished(() => drill.close());
      drill.smtp.beforeReply(() => new Promise((resolve) => setTimeout(resolve, REPLY_DELAY_MS)));

      // The server's pace, not the rate limit's, decides how far the first run gets.
      const env = { ...drill.env, SEND_RATE: '1000' };
      const first = startDigestsRun(env);
      onTestFinished(() => void first.child.kill('SIGKILL'));
      await pollUntil(
        async () => drill.smtp.accepted().length >= READERS / 2 || first.exited(),
        120_000,
        'half the digests taken by the server',
      );
      expect(first.exited(), `the first run ended before the kill:\n${first.output()}`).toBe(false);
      await first.kill();
      const atKill = await drill.state();
      const killedAt = `at the kill: ${statusCounts(atKill)}, the server had ${drill.smtp.accepted().length}`;
      drill.smtp.beforeReply(null);

      const rerun = await runCli(['digests', 'run'], { ...env, NODE_ENV: 'production' });
      const listed = listedLeftSending(rerun.stdout);
      const tally = tallyDigests(drill.readers, await drill.state(), drill.smtp.accepted(), listed);
      const settled = { tally, settledMs: rerun.code === 0 ? 0 : null };
      await reportDigests('digests run killed', drill, settled, killedAt);
      console.log(`  the rerun said:\n${rerun.stdout}${rerun.stderr}`);

      expect(rerun.code, rerun.stderr).toBe(0);
      expectOnceAndNoneLost(settled, expect);
      // The kill left work of every kind: sent, queued, and in the server's hands unanswered.
      const queuedAtKill = atKill.deliveries.filter((d) => d.status === 'queued').length;
      const sendingAtKill = atKill.deliveries.filter((d) => d.status === 'sending');
      expect(atKill.deliveries.filter((d) => d.status === 'sent').length).toBeGreaterThan(0);
      expect(queuedAtKill).toBeGreaterThan(0);
      expect(sendingAtKill.length).toBeGreaterThan(0);
      const unbuilt = READERS - atKill.deliveries.length;
      expect(rerun.stdout).toMatch(
        new RegExp(
          `^waiting: ${[
            `${queuedAtKill} deliveries queued`,
            ...(unbuilt > 0 ? [`${unbuilt} digests? owed`] : []),
            `${sendingAtKill.length} in flight \\(sending\\)`,
          ].join(', ')}$`,
          'm',
        ),
      );
      // Listed by id and recipient: exactly the ones the kill left `sending`, none sent again.
      expect(listed).toEqual(sendingAtKill.map((d) => ({ id: d.id, recipient: d.recipient })));
      expect(tally.unknown.map((d) => d.status)).toEqual(sendingAtKill.map(() => 'sending'));
    },
    TEST_MS,
  );
});

/** `bulletin digests run` as cron starts it, in a child the test can SIGKILL. */
function startDigestsRun(env: Record<string, string>): {
  child: ChildProcess;
  output(): string;
  exited(): boolean;
  kill(): Promise<void>;
} {
  // React's production build, as a deployed run uses.
  const child = spawn(process.execPath, [BIN, 'digests', 'run'], {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => output,
    exited,
    async kill() {
      if (exited()) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** The deliveries a run lists as left `sending`: `  ID  RECIPIENT  KIND  since …` lines. */
function listedLeftSending(stdout: string): { id: number; recipient: string }[] {
  const after = stdout.split(/^outcome unknown: .*$/m)[1] ?? '';
  return [...after.matchAll(/^ {2}(\d+) {2}(\S+) {2}\w+ {2}since /gm)].map((m) => ({
    id: Number(m[1]),
    recipient: m[2] as string,
  }));
}
