/**
 * Retention: what is older than RETENTION is deleted (deliveries, matches, trial clicks,
 * bounces, inbound messages, digests) or cleared (stories' bodies), a batch at a time.
 *
 * The edges (CLI, jobs) import this folder through this file; its files import each other
 * directly.
 */
export * from './prune.service.js';
