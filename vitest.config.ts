import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The fault suite runs on its own, its files side by side (`npm run test:faults`).
    exclude: ['test/faults/**', '**/node_modules/**'],
    // Integration tests share one Redis and one PostgreSQL server; each file uses its own
    // key prefix and database, so files may run in parallel.
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
