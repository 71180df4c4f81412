import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { displayPath } from '../config/display-path.js';
import { maskUrlPassword } from '../config/redact.js';
import { makePrivateDirectory } from './private-files.js';

/** How to reach Redis, and how to let go of a private server this process started. */
export interface RedisHandle {
  options: RedisOptions;
  /** For messages: `redis://127.0.0.1:6379` or `private redis-server at var/redis`. */
  description: string;
  /** The same options in the type BullMQ declares (it describes ioredis options its own way). */
  bullConnection: ConnectionOptions;
  /** Stops the private server if this process started it; otherwise nothing. */
  release(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

const BASE_OPTIONS: RedisOptions = {
  // BullMQ workers block on Redis; they must not give up on a slow command.
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
};

/**
 * Finds a Redis to use. An explicit REDIS_URL is used as it is. Otherwise the default local
 * server, else a private `redis-server` under `$VAR_DIR/redis` (reused if one already runs,
 * started if not, listening on a unix socket only, with an append-only file so queued jobs
 * survive a stop).
 */
export async function connectRedis(config: {
  url: string;
  explicit: boolean;
  varDir: string;
}): Promise<RedisHandle> {
  const fromUrl = optionsFromUrl(config.url);
  const none = async () => {};
  // Descriptions and errors show the URL without its password.
  const shown = maskUrlPassword(config.url);
  if (await answersPing(fromUrl)) return handle(fromUrl, shown, none);
  if (config.explicit) {
    throw new RedisUnavailableError(`Redis at REDIS_URL (${shown}) does not answer`);
  }
  const dir = path.join(config.varDir, 'redis');
  const socket = path.join(dir, 'redis.sock');
  const privateOptions: RedisOptions = { ...BASE_OPTIONS, path: socket };
  const description = `private redis-server at ${displayPath(dir)}`;
  if (fs.existsSync(socket) && (await answersPing(privateOptions))) {
    return handle(privateOptions, description, none);
  }
  if (!hasRedisServer()) {
    throw new RedisUnavailableError(
      `nothing answers at ${shown} and redis-server is not on PATH: install Redis (apt install redis-server) or set REDIS_URL`,
    );
  }
  const stop = await startPrivateRedis(dir, socket);
  return handle(privateOptions, description, stop);
}

function handle(
  options: RedisOptions,
  description: string,
  release: () => Promise<void>,
): RedisHandle {
  return { options, bullConnection: options as ConnectionOptions, description, release };
}

function optionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    ...BASE_OPTIONS,
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

async function answersPing(options: RedisOptions): Promise<boolean> {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: 700,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startPrivateRedis(dir: string, socket: string): Promise<() => Promise<void>> {
  makePrivateDirectory(dir);
  fs.rmSync(socket, { force: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--logfile',
      path.join(dir, 'redis.log'),
    ],
    { stdio: 'ignore', detached: false },
  );
  const options: RedisOptions = { ...BASE_OPTIONS, path: socket };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (fs.existsSync(socket) && (await answersPing(options))) {
      return async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(
    `the private redis-server did not start (see ${path.join(dir, 'redis.log')})`,
  );
}

/** A connection that reports each time Redis becomes ready: at start and after every reconnection. */
export interface RedisWatch {
  client: Redis;
  close(): void;
}

/**
 * Opens a connection of its own that calls `onReady` whenever it (re)connects, so a process
 * can re-declare what Redis must hold after Redis restarted, possibly empty. Its commands fail
 * at once while Redis is away instead of waiting in an offline queue.
 */
export function watchRedis(
  options: RedisOptions,
  onReady: (client: Redis) => void,
  onError: (error: Error) => void,
): RedisWatch {
  const client = new Redis({
    ...options,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Reconnect for ever, at most every two seconds: the process outlives a Redis outage.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  client.on('ready', () => onReady(client));
  client.on('error', onError);
  return { client, close: () => client.disconnect() };
}
