// A worker thread on a TypeScript module, for tests and `npm run dev` only (the build runs
// the compiled `.js` file directly; see module-worker.ts): a thread needs tsx registered for
// itself.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
