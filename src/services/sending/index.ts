/**
 * Sending: one delivery handed to the mail server (digest, alert or invitation), and the admin's view of deliveries.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Queued → sending → sent, failed or suppressed; never back to queued once accepted. */

/** Listing deliveries and settling an unknown outcome. */
export * from './deliveries.service.js';
export * from './send-delivery.service.js';
