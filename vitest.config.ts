import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests share one Redis and one PostgreSQL server; each file uses its own
    // key prefix and database, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
