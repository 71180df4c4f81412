import { parseDurationSetting } from './setting-parsers.js';
import { SettingsError, shownValue } from './settings-error.js';

const DAY_MS = 86_400_000;
/** The shortest retention taken: a typo such as `400m` must not empty the database overnight. */
const SHORTEST_DAYS = 30;
const LONGEST_DAYS = 36_500;

/**
 * RETENTION: how long deliveries, matches, trial clicks, bounces and stories' bodies are kept.
 * At least 30 days, and no shorter than BOUNCE_SOFT_WINDOW, whose rule counts the soft bounces
 * within it.
 */
export function parseRetention(text: string, softBounceWindowMs: number): number {
  const ms = parseDurationSetting('RETENTION', text);
  const problem = retentionProblem(ms, softBounceWindowMs);
  if (problem) throw new SettingsError('RETENTION', `${problem}${shownValue('RETENTION', text)}`);
  return ms;
}

/**
 * What is wrong with keeping data for `ms`, or null: the same rule for the setting and for
 * `db prune --older`.
 */
export function retentionProblem(ms: number, softBounceWindowMs: number): string | null {
  if (ms < SHORTEST_DAYS * DAY_MS || ms > LONGEST_DAYS * DAY_MS)
    return `must be between ${SHORTEST_DAYS}d and ${LONGEST_DAYS}d, like 400d`;
  if (ms < softBounceWindowMs)
    return `must be at least BOUNCE_SOFT_WINDOW (${Math.round(softBounceWindowMs / DAY_MS)}d), whose soft bounces it would delete`;
  return null;
}
