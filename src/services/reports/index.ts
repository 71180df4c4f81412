/**
 * Reports: what the pages under /admin/ show marketing and operators (campaigns,
 * deliverability, digest runs), read through the same use cases as the CLI's listings where
 * those exist, so a page and `--json` give the same figures.
 *
 * The edges import this folder through this file; its files import each other directly.
 */

/** Every campaign's figures and their sends and clicks per day; one campaign in full. */
export * from './campaign-reports.service.js';
/** Sent, bounces, complaints and unsubscribes per day; suppressions by reason. */
export * from './deliverability-report.service.js';
/** Each day's digest run; topics by followers and stories matched. */
export * from './digest-report.service.js';
/** The windows a report looks back over. */
export * from './report-window.js';
