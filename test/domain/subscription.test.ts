import { describe, expect, it } from 'vitest';
import { emailDomain, normalizeEmail } from '../../src/domain/reader.js';
import { isValidSendAt } from '../../src/domain/schedule.js';
import {
  CADENCES,
  DEFAULT_SEND_AT,
  DEFAULT_WEEKDAY,
  fastestCadence,
  WEEKDAYS,
} from '../../src/domain/subscription.js';

describe('fastestCadence', () => {
  it('prefers instant over daily over weekly', () => {
    expect(fastestCadence(['weekly', 'daily'])).toBe('daily');
    expect(fastestCadence(['daily', 'instant', 'weekly'])).toBe('instant');
    expect(fastestCadence(['weekly', 'instant'])).toBe('instant');
  });

  it('returns the only cadence given', () => {
    for (const cadence of CADENCES) expect(fastestCadence([cadence])).toBe(cadence);
  });

  it('takes any iterable, duplicates included', () => {
    expect(fastestCadence(new Set(['weekly', 'daily'] as const))).toBe('daily');
    expect(fastestCadence(['weekly', 'weekly', 'weekly'])).toBe('weekly');
  });
});

describe('subscription defaults', () => {
  it('sends at a valid local time, on Monday', () => {
    expect(isValidSendAt(DEFAULT_SEND_AT)).toBe(true);
    expect(WEEKDAYS[DEFAULT_WEEKDAY - 1]).toBe('mon');
  });

  it('maps weekday names to ISO weekdays by position', () => {
    expect(WEEKDAYS.indexOf('mon') + 1).toBe(1);
    expect(WEEKDAYS.indexOf('sun') + 1).toBe(7);
  });
});

describe('normalizeEmail', () => {
  it('lower-cases and trims an address', () => {
    expect(normalizeEmail('  Ann.Smith@Example.COM ')).toBe('ann.smith@example.com');
    expect(normalizeEmail('ann@example.com')).toBe('ann@example.com');
  });
});

describe('emailDomain', () => {
  it('is the lower-case part after the @', () => {
    expect(emailDomain('Ann@Trade.Example.ORG')).toBe('trade.example.org');
    expect(emailDomain(' bob@example.com\n')).toBe('example.com');
  });

  it('takes the part after the last @', () => {
    expect(emailDomain('"a@b"@example.com')).toBe('example.com');
  });

  it('is empty when the text has no @, never the whole text', () => {
    expect(emailDomain('example.com')).toBe('');
    expect(emailDomain('ann@')).toBe('');
    expect(emailDomain('')).toBe('');
  });
});
