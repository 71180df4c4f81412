/**
 * Topics and rules: the named queries readers follow, their backtests, and the index every story is matched against.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Add, change, remove, show, list and backtest topics. */

/** Topics from JSON Lines or CSV. */
export * from './import-topics.service.js';
/** `bulletin match`: a rules file against a stories file, over worker threads. */
export * from './match-rule-files.service.js';
/** Every live rule, compiled into the matcher's index. */
export * from './rule-catalog.js';
/** The key that names a rule (a topic or a reader's own query). */
export * from './rule-keys.js';
export * from './topics.service.js';
