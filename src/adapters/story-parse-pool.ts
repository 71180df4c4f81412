import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { StoryRecord } from '../domain/story.js';
import type { LineBatchParser } from '../domain/story-stream.js';
import { startModuleWorker } from './module-worker.js';

/** Worker threads that parse and clean stories beside the thread that stores them. */
export interface StoryParsePool {
  parse: LineBatchParser;
  close(): Promise<void>;
}

type Answer = { id: number; records: (StoryRecord | null)[] };
type Waiting = { resolve: (records: (StoryRecord | null)[]) => void; reject: (e: Error) => void };

const YOUNG_GENERATION_MB = 64;

/**
 * One thread per core but one (the calling thread stores, and hands matching on): checking
 * and cleaning a story (JSON, limits, HTML to text) costs more than storing it.
 */
export function startStoryParsePool(options: { now: Date; threads?: number }): StoryParsePool {
  const count = options.threads ?? Math.max(1, Math.min(4, os.availableParallelism() - 1));
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const workers = Array.from({ length: count }, () => {
    const worker = startModuleWorker(import.meta.url, './story-parse.worker.ts', {
      workerData: { now: options.now.toISOString() },
      // Cleaning makes many short-lived strings: a larger young generation collects them
      // in fewer, cheaper passes.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    worker.on('message', ({ id, records }: Answer) => {
      waiting.get(id)?.resolve(records);
      waiting.delete(id);
    });
    worker.on('error', (error) => fail(new Error(`story parsing stopped: ${error.message}`)));
    worker.on('exit', (code) => {
      if (code !== 0)
        fail(new Error(`story parsing stopped (a worker thread exited with ${code})`));
    });
    return worker;
  });
  return {
    parse(lines) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const worker = workers[id % workers.length] as Worker;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, lines });
      });
    },
    async close() {
      failure ??= new Error('the story parse pool is closed');
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
