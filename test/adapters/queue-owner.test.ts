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
      /^Bad setting QUEUE_PREFIX: the queues "bulletin-test-[0-9a-f]+" in Redis belong to another installation .*give this one a prefix of its own.*e\.g\. QUEUE_PREFIX=bulletin-test-[0-9a-f]+-2$/,
    );
    // A reset would empty this installation's database and free the other's queues while it
    // may still use them: the message does not send anyone there.
    await expect(
      createTestApp('sqlite', { redis: true, env: { QUEUE_PREFIX: prefix } }),
    ).rejects.not.toThrow(/reset/);
  });
});
