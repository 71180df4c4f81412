// Starts a worker thread on a TypeScript module: the process loads TypeScript through tsx
// (bin/bulletin.js), and a worker thread needs the same loader registered for itself.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
