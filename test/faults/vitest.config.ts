import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The fault suite alone, its files side by side: each spends most of its time waiting for a
 * fault to pass or a sweep to run, not on the CPU.
 *
 *     npx vitest run --config test/faults/vitest.config.ts
 */
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/faults/**/*.test.ts'],
    maxWorkers: 5,
    fileParallelism: true,
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
