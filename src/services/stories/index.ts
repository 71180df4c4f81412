/**
 * Stories: publishing (CLI, webhook, feeds), matching each story against every rule, and listing them.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Stories stored idempotently and queued for matching. */

/** A fetched feed's items as stories. */
export * from './feed-items.js';
/** RSS and Atom feeds added, polled and removed. */
export * from './feeds.service.js';
/** One story matched against the rule index; instant alerts scheduled. */
export * from './match-story.service.js';
export * from './publish-story.service.js';
/** Stories listed with how many readers each matched. */
export * from './stories.service.js';
