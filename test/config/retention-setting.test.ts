import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

const DAY = 86_400_000;

function load(env: Record<string, string>) {
  return loadSettings(env, '/srv/app');
}

/** The one line a bad value stops the program with. */
function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`no SettingsError for ${JSON.stringify(env)}`);
}

describe('RETENTION', () => {
  it('is 400 days unless set, and reads durations like the other settings', () => {
    expect(load({}).retentionMs).toBe(400 * DAY);
    expect(load({ RETENTION: '90d' }).retentionMs).toBe(90 * DAY);
    expect(load({ RETENTION: '104w' }).retentionMs).toBe(728 * DAY);
    expect(load({ RETENTION: ' ' }).retentionMs).toBe(400 * DAY);
  });

  it('refuses what is not a duration, naming the variable and the value', () => {
    expect(refusal({ RETENTION: 'forever' })).toBe(
      'Bad setting RETENTION: not a duration like 90s, 2m or 1h (got "forever")',
    );
    expect(refusal({ RETENTION: '400' })).toMatch(/^Bad setting RETENTION: not a duration/);
  });

  it('refuses a retention so short that a slip of the unit would empty the database', () => {
    expect(refusal({ RETENTION: '400m' })).toBe(
      'Bad setting RETENTION: must be between 30d and 36500d, like 400d (got "400m")',
    );
    expect(refusal({ RETENTION: '200000d' })).toMatch(/between 30d and 36500d/);
  });

  it('is never shorter than BOUNCE_SOFT_WINDOW, whose soft bounces it would delete', () => {
    expect(refusal({ RETENTION: '60d', BOUNCE_SOFT_WINDOW: '90d' })).toBe(
      'Bad setting RETENTION: must be at least BOUNCE_SOFT_WINDOW (90d), whose soft bounces it would delete (got "60d")',
    );
    expect(load({ RETENTION: '90d', BOUNCE_SOFT_WINDOW: '90d' }).retentionMs).toBe(90 * DAY);
  });
});
