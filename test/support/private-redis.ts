import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  running(): boolean;
  /**
   * Stops the server. By default it is killed and, having no persistence, comes back empty;
   * with `keepData` it saves a snapshot first, which the next `start` loads.
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A redis-server of the test's own on a free localhost port, so a test can kill and restart
 * it without touching the Redis other tests share.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  // Its working directory (where a snapshot goes) is its own, never the repository.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-redis-'));
  let child: ChildProcess | null = null;
  // A test runner that dies must not leave a redis-server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    if (child) throw new Error('the private redis-server is already running');
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    );
    child = started;
    started.once('exit', () => {
      if (child === started) child = null;
    });
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (child !== started) throw new Error(`redis-server on port ${port} exited at start`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const stop = async (options: { keepData?: boolean } = {}) => {
    const running = child;
    if (!running) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    if (options.keepData) await command(port, ['shutdown', 'save']);
    else running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== null,
    stop,
    start,
    async close() {
      await stop();
      process.removeListener('exit', killOnExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function answersPing(port: number): Promise<boolean> {
  try {
    return (await command(port, ['ping'])) === 'PONG';
  } catch {
    return false;
  }
}

/** One command on a connection of its own that never retries; `shutdown` ends without reply. */
async function command(port: number, args: [string, ...string[]]): Promise<unknown> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call(...args).catch((error: Error) => {
      if (args[0] === 'shutdown') return null;
      throw error;
    });
  } finally {
    client.disconnect();
  }
}
