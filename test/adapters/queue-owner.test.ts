import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { uniqueQueuePrefix } from '../support/test-redis.js';

describe('queues bound to one database', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('lets the same installation reopen its queues and refuses another database on them', async () => {
    const prefix = uniqueQueuePrefix();
    const first = await createTestApp('sqlite', { redis: true, env: { QUEUE_PREFIX: prefix } });
    apps.push(first);
    // The same database again (a second worker, the CLI) is welcome.
    const again = await createTestApp('sqlite', {
      redis: true,
      env: { QUEUE_PREFIX: prefix, DATABASE_URL: first.env.DATABASE_URL! },
    });
    apps.push(again);

    await expect(
      createTestApp('sqlite', { redis: true, env: { QUEUE_PREFIX: prefix } }),
    ).rejects.toThrow(
      /the queues "\{bulletin-test-[0-9a-f]+\}" in Redis belong to another database .*`bulletin db reset --yes` clears them.*set QUEUE_PREFIX/,
    );
  });
});
