import { describe, it } from 'vitest';
import {
  type DigestDrill,
  faultOnNextAccept,
  pollUntil,
  startDigestDrill,
} from '../support/digest-drill.js';
import { awaitSettled, expectOnceAndNoneLost, reportDigests } from '../support/digest-tally.js';
import type { AcceptedMessage } from '../support/fault-smtp-server.js';
import { runCli } from '../support/run-cli.js';
import { DIALECTS } from '../support/test-database.js';

/**
 * The worst moment to die: the SMTP server has taken a digest, and the worker is SIGKILLed
 * before the 250 reply reaches it. The delivery stays `sending` (the server may have it), is
 * never sent again by anyone, and `deliveries list --status sending` shows it for a person,
 * who settles it with `deliveries resolve`. Done twice, to settle one each way.
 */
const READERS = 40;
/** After the last kill: BullMQ takes a killed worker's jobs back within about 100 s. */
const SETTLE_MS = 180_000;
/** Start-up, the kills and the wait to settle, on a machine busy with the rest of the suite. */
const TEST_MS = 400_000;

/** Would fail if a send whose outcome is unknown were retried (the reader gets it twice). */
describe.concurrent.each(DIALECTS)('on %s', (dialect) => {
  it(
    '(c) a worker killed between the server taking a digest and its reply: sent once, left for a person',
    async ({ expect, onTestFinished }) => {
      const drill = await startDigestDrill({ dialect, readers: READERS });
      onTestFinished(() => drill.close());
      const dueAt = Date.now();
      await drill.spawn('scheduler');
      let worker = await drill.spawn('worker');
      const victims: AcceptedMessage[] = [];
      for (let round = 0; round < 2; round++) {
        // Two more digests out first: this worker is under way.
        const before = drill.smtp.accepted().length;
        await pollUntil(async () => drill.smtp.accepted().length >= before + 2, 90_000, 'sends');
        victims.push(await faultOnNextAccept(drill, () => drill.kill(worker)));
        worker = await drill.spawn('worker');
      }

      const settled = await awaitSettled(drill, dueAt, SETTLE_MS);
      const [kept, resent] = await Promise.all(victims.map((v) => deliveryOf(drill, v)));
      await reportDigests(
        '(c) killed after the accept',
        drill,
        settled,
        `killed on deliveries ${kept?.id} and ${resent?.id}`,
      );
      expectOnceAndNoneLost(settled, expect);
      const listed = settled.tally.unknown.map((d) => d.id);
      for (const victim of [kept, resent]) {
        expect(victim?.status).toBe('sending');
        expect(listed).toContain(victim?.id);
        expect(copies(drill, victim?.messageId)).toBe(1);
      }
      if (!kept || !resent) return;

      // The server's log shows the first: it is settled as sent, and nothing goes out.
      const marked = await runCli(['deliveries', 'resolve', String(kept.id), '--sent'], drill.env);
      expect(marked.code, marked.stderr).toBe(0);
      // The second is sent again, as if the server had not had it: exactly one more copy.
      const resend = await runCli(
        ['deliveries', 'resolve', String(resent.id), '--resend'],
        drill.env,
      );
      expect(resend.code, resend.stderr).toBe(0);
      const receivedBefore = settled.tally.received;
      await pollUntil(
        async () => (await deliveryOf(drill, victims[1]))?.status === 'sent',
        60_000,
        'the resent delivery sent',
      );
      await pollUntil(async () => (await drill.pendingJobs()) === 0, 60_000, 'no job left');
      const after = await Promise.all(victims.map((v) => deliveryOf(drill, v)));
      console.log(
        `  resolved ${kept.id} --sent: ${after[0]?.status}, copies ${copies(drill, kept.messageId)}; ` +
          `${resent.id} --resend: ${after[1]?.status}, copies ${copies(drill, resent.messageId)}; ` +
          `received ${receivedBefore} -> ${drill.smtp.accepted().length}`,
      );
      expect(after.map((d) => d?.status)).toEqual(['sent', 'sent']);
      expect(copies(drill, kept.messageId)).toBe(1);
      expect(copies(drill, resent.messageId)).toBe(2);
      expect(drill.smtp.accepted().length).toBe(receivedBefore + 1);
    },
    TEST_MS,
  );
});

/** The delivery row a message belongs to (its Message-ID is recorded at the claim). */
async function deliveryOf(drill: DigestDrill, message: AcceptedMessage | undefined) {
  const state = await drill.state();
  return state.deliveries.find((d) => d.messageId === message?.messageId);
}

function copies(drill: DigestDrill, messageId: string | null | undefined): number {
  return drill.smtp.accepted().filter((m) => m.messageId === messageId).length;
}
