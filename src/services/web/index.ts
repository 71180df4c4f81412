/**
 * The reader's pages: preferences and unsubscribing, as the web edge asks for them.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** A reader's cadences, topics and pause, read and saved. */
export * from './preferences.service.js';
/** Personal links: checked against the reader's own secret, and signed anew. */
export * from './reader-link.service.js';
/** Unsubscribe from one list or all, and resubscribe. */
export * from './unsubscribe.service.js';
