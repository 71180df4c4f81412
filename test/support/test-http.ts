import type { AddressInfo } from 'node:net';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import type { App } from '../../src/app.js';
import { createHttpServer } from '../../src/http/server.js';

/** The web server on a free localhost port, for one test file. */
export async function startTestHttpServer(
  app: App,
): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createHttpServer({ ...app, queue: new DirectWorkQueue(), queues: null });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
