/**
 * How often BullMQ hands back a job whose worker stopped renewing its lock (the process was
 * killed, or its event loop held past the 30 s lock) before failing it. BullMQ's default is
 * once; a failed job here waits for the minute sweep, which re-hands-on owed work only after
 * minutes. Every job is idempotent (the database keeps a second build or send out), so a job
 * whose workers were killed under it several times in a row simply runs again.
 */
export const MAX_STALLED_RETURNS = 5;
