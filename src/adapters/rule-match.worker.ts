/*
 * A worker thread of `bulletin match`: indexes its share of the rules and matches every
 * story against it, with the same code as a single-threaded run.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleRecord } from '../domain/rules/rule-file.js';
import { matchRuleShare } from '../domain/rules/rule-share.js';
import type { MatchableStory } from '../domain/story.js';

const { rules, stories } = workerData as { rules: RuleRecord[]; stories: MatchableStory[] };
const outcome = matchRuleShare(rules, stories, () => performance.now());
parentPort?.postMessage({ outcome, heapBytes: v8.getHeapStatistics().used_heap_size });
