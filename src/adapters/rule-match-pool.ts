import type { RuleRecord } from '../domain/rules/rule-file.js';
import type { ShareOutcome } from '../domain/rules/rule-share.js';
import type { MatchableStory } from '../domain/story.js';
import { startModuleWorker } from './module-worker.js';

/** A share's outcome and the heap its thread held once it had matched. */
export interface ThreadOutcome {
  outcome: ShareOutcome;
  heapBytes: number;
}

/**
 * Matches every story against each share of the rules, one worker thread a share, all at
 * once: each thread parses and indexes only its share, so building is spread over the cores
 * too, and the index of all the rules exists once, in parts.
 */
export function matchSharesInThreads(
  shares: readonly RuleRecord[][],
  stories: readonly MatchableStory[],
): Promise<ThreadOutcome[]> {
  return Promise.all(
    shares.map(
      (rules) =>
        new Promise<ThreadOutcome>((resolve, reject) => {
          const worker = startModuleWorker(import.meta.url, './rule-match.worker.ts', {
            workerData: { rules, stories },
          });
          // The thread ends by itself once it has answered.
          worker.once('message', resolve);
          worker.once('error', (error) => reject(new Error(`matching stopped: ${error.message}`)));
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`matching stopped (a thread exited with ${code})`));
          });
        }),
    ),
  );
}
