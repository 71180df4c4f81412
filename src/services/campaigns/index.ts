/**
 * Campaigns: trial invitations to an audience of prospects, paced, paused and reported.
 *
 * The edges (CLI, web server, jobs) import this folder through this file; its files import
 * each other directly.
 */
/** Create, start, pause, resume, cancel and report a campaign. */

/** Who a campaign's filters select. */
export * from './campaign-audience.service.js';
/** An invitation rendered for one prospect. */
export * from './campaign-email.service.js';
/** An invitation previewed for any prospect. */
export * from './campaign-preview.service.js';
/** What a campaign step needs: its queue and context. */
export * from './campaign-queue.js';
/** Campaigns whose send time has come. */
export * from './campaign-schedule.service.js';
/** One paced step of sending. */
export * from './campaign-step.service.js';
/** The recent stories an invitation shows. */
export * from './campaign-stories.js';
export * from './campaigns.service.js';
