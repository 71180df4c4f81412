/**
 * Operations: the schema, readiness, metrics, queues and reset of an installation.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Migrations run. */

/** The installation's gauges at each scrape. */
export * from './metrics.service.js';
/** Readiness and operational counts. */
export * from './operations.service.js';
/** Queue status, retry and clean. */
export * from './queues.service.js';
/** An installation started afresh (db reset). */
export * from './reset.service.js';
export * from './schema.service.js';
