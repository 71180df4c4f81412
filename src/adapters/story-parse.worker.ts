/*
 * A worker thread of the story parse pool: parses and cleans numbered JSON Lines with the same
 * code as the main thread, and answers each batch by its id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseStoryLine } from '../domain/story.js';

const options = { now: new Date((workerData as { now: string }).now) };

parentPort?.on('message', (message: { id: number; lines: [number, string][] }) => {
  const records = message.lines.map(([n, line]) => parseStoryLine(line, n, options));
  parentPort?.postMessage({ id: message.id, records });
});
