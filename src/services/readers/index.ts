/**
 * Readers: the people we email: their profile, subscriptions, suppressions, trials and site licenses, one by one and in bulk.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Find, save, list and remove readers. */

/** Erase a reader: their personal data goes, the counts stay. */
export * from './erase-reader.service.js';
/** Readers out as CSV or JSON rows. */
export * from './export-readers.service.js';
/** Readers from a CSV, checked row by row. */
export * from './import-readers.service.js';
/** The next local send time of a daily or weekly subscription. */
export * from './next-send-times.js';
/** Everything held about one reader, for the reader (right of access). */
export * from './reader-data.service.js';
/** Subscribers add and update. */
export * from './reader-edits.service.js';
/** Everything about one reader, for subscribers show. */
export * from './reader-profile.service.js';
export * from './readers.service.js';
/** Organizations whose domain grants full access. */
export * from './site-licenses.service.js';
/** Follow a topic or a query, at a cadence. */
export * from './subscriptions.service.js';
/** Addresses we must not mail. */
export * from './suppressions.service.js';
/** Trials started, and the trial clicks they credit. */
export * from './trials.service.js';
