/**
 * Digests: what falls due each minute, building a reader's digest or alert from their pending matches, and its content and rendering (shared by send and preview).
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** The scheduler's minute: digests now due in each reader's zone. */

/** A reader's pending matches claimed into one digest and its delivery. */
export * from './build-digest.service.js';
/** What a build read, handed to the send in the same process. */
export * from './built-digest-memo.js';
/** A digest's stories, read and grouped. */
export * from './digest-content.service.js';
/** The next digest a reader would get, rendered without sending. */
export * from './preview-digest.service.js';
/** A digest rendered for one reader, their access decided now. */
export * from './reader-email.service.js';
export * from './schedule-tick.service.js';
/** What `digests run` finds left from before it (stories to match, deliveries queued), handed on first. */
export * from './waiting-work.service.js';
