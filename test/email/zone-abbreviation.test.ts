import { describe, expect, it } from 'vitest';
import { abbreviateTimeZone } from '../../src/email/zone-abbreviation.js';

const WINTER = new Date('2026-01-15T12:00:00Z');
const SUMMER = new Date('2026-07-15T12:00:00Z');

describe('abbreviateTimeZone', () => {
  it.each([
    ['America/New_York', 'EST', 'EDT'],
    ['America/Los_Angeles', 'PST', 'PDT'],
    ['America/Phoenix', 'MST', 'MST'],
    ['Europe/Berlin', 'CET', 'CEST'],
    ['Europe/Brussels', 'CET', 'CEST'],
    ['Europe/London', 'GMT', 'BST'],
    ['UTC', 'UTC', 'UTC'],
  ])('%s: %s in winter, %s in summer', (zone, winter, summer) => {
    expect(abbreviateTimeZone(WINTER, zone)).toBe(winter);
    expect(abbreviateTimeZone(SUMMER, zone)).toBe(summer);
  });

  it.each([
    ['Asia/Kolkata', 'UTC+05:30', 'UTC+05:30'],
    ['Asia/Kathmandu', 'UTC+05:45', 'UTC+05:45'],
    ['Australia/Sydney', 'UTC+11:00', 'UTC+10:00'],
    ['America/Sao_Paulo', 'UTC-03:00', 'UTC-03:00'],
    ['Etc/GMT+5', 'UTC-05:00', 'UTC-05:00'],
  ])('%s, which has no abbreviation in US or British usage, shows its offset', (zone, w, s) => {
    expect(abbreviateTimeZone(WINTER, zone)).toBe(w);
    expect(abbreviateTimeZone(SUMMER, zone)).toBe(s);
  });

  it('switches at the instant daylight saving begins, not at midnight', () => {
    // New York springs forward at 02:00 EST on 8 March 2026 (07:00 UTC).
    expect(abbreviateTimeZone(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe('EST');
    expect(abbreviateTimeZone(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('EDT');
    // Berlin falls back at 03:00 CEST on 25 October 2026 (01:00 UTC).
    expect(abbreviateTimeZone(new Date('2026-10-25T00:59:00Z'), 'Europe/Berlin')).toBe('CEST');
    expect(abbreviateTimeZone(new Date('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe('CET');
  });

  it('refuses a zone that does not exist', () => {
    expect(() => abbreviateTimeZone(WINTER, 'Mars/Olympus')).toThrow(RangeError);
  });
});
