import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, JOB, jobId, QUEUE } from '../../jobs/queue-names.js';

/** A free TCP port on localhost (taken for a moment, then let go). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * BullMQ's scripts touch several keys of a queue at once, which Redis Cluster allows only
 * when they share a hash slot. Every key of an installation starts with `{prefix}`, a hash
 * tag: this runs the queues on a real three-node cluster and checks that they work.
 */
describe('queues on a three-node Redis Cluster', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-cluster-'));
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  let cluster: Cluster;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      ports.push(port);
      const nodeDir = path.join(dir, String(port));
      fs.mkdirSync(nodeDir);
      nodes.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(nodeDir, 'nodes.conf'),
            '--dir',
            nodeDir,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) {
      for (let i = 0; i < 100; i++) {
        try {
          execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { stdio: 'pipe' },
    );
    for (let i = 0; i < 100; i++) {
      const info = execFileSync('redis-cli', [
        '-p',
        String(ports[0]),
        'cluster',
        'info',
      ]).toString();
      if (info.includes('cluster_state:ok')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    cluster = new Cluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      {
        redisOptions: { maxRetriesPerRequest: null },
      },
    );
  }, 60_000);

  afterAll(async () => {
    cluster?.disconnect();
    for (const node of nodes) node.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every key of an installation in one slot, so the queues run there', async () => {
    const prefix = bullPrefix('bulletin');
    const queue = new Queue(QUEUE.send, { connection: cluster, prefix });
    const seen: number[] = [];
    const worker = new Worker(
      QUEUE.send,
      async (job) => {
        seen.push(job.data.deliveryId as number);
      },
      { connection: cluster, prefix, concurrency: 4 },
    );
    try {
      for (let id = 1; id <= 20; id++)
        await queue.add(JOB.sendDelivery, { deliveryId: id }, { jobId: jobId.sendDelivery(id) });
      // A second hand-on of the same work is dropped by its id, on a cluster too.
      await queue.add(JOB.sendDelivery, { deliveryId: 1 }, { jobId: jobId.sendDelivery(1) });
      for (let i = 0; i < 200 && seen.length < 20; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

      const slots = new Set<number>();
      for (const node of cluster.nodes('master')) {
        const keys = await node.keys(`${prefix}:*`);
        for (const key of keys) slots.add(Number(await node.cluster('KEYSLOT', key)));
      }
      expect(slots.size).toBe(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
