import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The fault suite runs on its own, its files side by side (`npm run test:faults`).
    exclude: ['test/faults/**', '**/node_modules/**'],
    // Integration tests share one Redis and one PostgreSQL server; each file uses its own
    // key prefix and database, so files may run in parallel.
    globalSetup: ['test/support/build-once.ts'],
    // Most of a file's time is spent waiting on a CLI child process, a server or the
    // databases, not on its own thread: three files side by side keep two cores busy (the
    // default, one fewer than the cores, ran them one at a time here).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
