/**
 * Sending: one delivery handed to the mail server (digest, alert or invitation), and the admin's view of deliveries.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */

/** Listing deliveries and settling an unknown outcome. */
export * from './deliveries.service.js';
/** Whether the mail server answers, asked at start and every minute (the log, `/readyz`). */
export * from './mail-server.service.js';
/** Queued → sending → sent, failed or suppressed; never back to queued once accepted. */
export * from './send-delivery.service.js';
