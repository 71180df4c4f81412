/**
 * Bounces: what comes back after "sent" (bounces, complaints, opt-outs, auto-replies), read at
 * every door (a file or pipe, the receiving SMTP server, the IMAP mailbox, provider webhooks)
 * and recorded by one recorder with one policy.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */

/** Recorded reports, one of them with its message, and each delivery's bounce. */
export * from './bounces.service.js';
/** A sending campaign paused when its complaints or hard bounces pass their limit. */
export * from './campaign-guard.js';
/** Sent, bounced, complained and unsubscribed over a window, and the last week's alerts. */
export * from './delivery-stats.service.js';
/** One inbound message or provider event recorded: matched by signed tag, then the policy. */
export * from './record-inbound.service.js';
