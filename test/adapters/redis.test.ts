import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis, RedisUnavailableError } from '../../src/adapters/redis.js';
import { maskUrlPassword } from '../../src/config/redact.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

/** Nothing listens on port 1, so the default "local Redis" is absent. */
const NOBODY = 'redis://127.0.0.1:1';

describe('finding Redis', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const varDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-redis-'));
    dirs.push(dir);
    return dir;
  };

  it('uses a Redis that answers at the URL', async () => {
    const handle = await connectRedis({
      url: TEST_REDIS_URL,
      explicit: false,
      varDir: varDir(),
    });
    // The URL itself, not a private server started because it did not answer.
    expect(handle.description).toBe(maskUrlPassword(TEST_REDIS_URL));
    await handle.release();
  });

  it('says clearly when an explicit REDIS_URL does not answer', async () => {
    await expect(connectRedis({ url: NOBODY, explicit: true, varDir: varDir() })).rejects.toThrow(
      new RedisUnavailableError(`Redis at REDIS_URL (${NOBODY}) does not answer`),
    );
  });

  it('starts a private redis-server under VAR_DIR, shares it, and stops it with its owner', async () => {
    const dir = varDir();
    const owner = await connectRedis({ url: NOBODY, explicit: false, varDir: dir });
    expect(owner.description).toContain(path.join(dir, 'redis'));
    const client = new Redis(owner.options);
    await client.set('k', 'v');

    // A second process (the CLI beside `npm start`) finds the same server.
    const guest = await connectRedis({ url: NOBODY, explicit: false, varDir: dir });
    const guestClient = new Redis(guest.options);
    expect(await guestClient.get('k')).toBe('v');
    guestClient.disconnect();
    await guest.release();
    expect(await client.ping()).toBe('PONG');

    client.disconnect();
    await owner.release();
    const after = new Redis({
      ...owner.options,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    after.on('error', () => {});
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });
});
