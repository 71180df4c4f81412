import { Worker, type WorkerOptions } from 'node:worker_threads';

const TYPESCRIPT_BOOTSTRAP = new URL('./typescript-worker.mjs', import.meta.url);

/**
 * Starts a worker thread on one of our modules, named as the `.ts` file it is written in,
 * relative to the caller (`import.meta.url`). Built (`bin/bulletin.js`, `npm start`), the
 * caller is compiled JavaScript and the thread runs the `.js` file the build wrote beside
 * it. Under vitest or tsx (tests, `npm run dev`) the thread registers tsx for itself first,
 * as a thread does not inherit its parent's loader.
 */
export function startModuleWorker(
  callerUrl: string,
  typescriptModule: string,
  options: WorkerOptions = {},
): Worker {
  if (callerUrl.endsWith('.js')) {
    return new Worker(new URL(typescriptModule.replace(/\.ts$/, '.js'), callerUrl), options);
  }
  const workerData = {
    ...(options.workerData as object),
    module: new URL(typescriptModule, callerUrl).href,
  };
  return new Worker(TYPESCRIPT_BOOTSTRAP, { ...options, workerData });
}
