import { describe, expect, it } from 'vitest';
import { type AccessReader, decideAccess, type LicenseTerms } from '../../src/domain/access.js';

const now = new Date('2026-11-28T12:00:00Z');
const later = new Date('2026-12-31T00:00:00Z');
const earlier = new Date('2026-11-01T00:00:00Z');

function reader(overrides: Partial<AccessReader>): AccessReader {
  return { email: 'ann@example.com', plan: 'free', trialEndsAt: null, ...overrides };
}

describe('decideAccess', () => {
  it('gives subscribers full access', () => {
    expect(decideAccess(reader({ plan: 'subscriber' }), [], now)).toEqual({
      full: true,
      reason: 'subscriber',
    });
  });

  it('gives an active trial full access', () => {
    expect(decideAccess(reader({ plan: 'trial', trialEndsAt: later }), [], now)).toEqual({
      full: true,
      reason: 'trial',
    });
  });

  it('refuses an expired trial, including one ending right now', () => {
    expect(decideAccess(reader({ plan: 'trial', trialEndsAt: earlier }), [], now)).toEqual({
      full: false,
      reason: 'none',
    });
    expect(decideAccess(reader({ plan: 'trial', trialEndsAt: now }), [], now).full).toBe(false);
    expect(decideAccess(reader({ plan: 'trial', trialEndsAt: null }), [], now).full).toBe(false);
  });

  it('ignores a trial end date on a plan that is not a trial', () => {
    expect(decideAccess(reader({ plan: 'free', trialEndsAt: later }), [], now).full).toBe(false);
  });

  it('refuses free readers and prospects without a license', () => {
    expect(decideAccess(reader({ plan: 'free' }), [], now)).toEqual({
      full: false,
      reason: 'none',
    });
    expect(decideAccess(reader({ plan: 'prospect' }), [], now).full).toBe(false);
  });

  describe('site licenses', () => {
    const license = (domain: string, until: Date | null = null): LicenseTerms => ({
      domain,
      until,
    });

    it('covers the licensed domain, case-insensitively', () => {
      const result = decideAccess(reader({ email: 'Ann@ACME.com' }), [license('acme.COM')], now);
      expect(result).toEqual({ full: true, reason: 'site-license' });
    });

    it('covers subdomains of the licensed domain', () => {
      const result = decideAccess(reader({ email: 'ann@eu.acme.com' }), [license('acme.com')], now);
      expect(result.reason).toBe('site-license');
    });

    it('does not cover another domain that merely ends the same way', () => {
      expect(
        decideAccess(reader({ email: 'ann@notacme.com' }), [license('acme.com')], now).full,
      ).toBe(false);
      expect(
        decideAccess(reader({ email: 'ann@acme.com.evil.io' }), [license('acme.com')], now).full,
      ).toBe(false);
    });

    it('does not let a subdomain license cover the parent domain', () => {
      expect(
        decideAccess(reader({ email: 'ann@acme.com' }), [license('eu.acme.com')], now).full,
      ).toBe(false);
    });

    it('refuses an expired license and accepts one running until later', () => {
      const email = 'ann@acme.com';
      expect(decideAccess(reader({ email }), [license('acme.com', earlier)], now).full).toBe(false);
      expect(decideAccess(reader({ email }), [license('acme.com', now)], now).full).toBe(false);
      expect(decideAccess(reader({ email }), [license('acme.com', later)], now).full).toBe(true);
    });

    it('finds the matching license among others', () => {
      const licenses = [
        license('other.org'),
        license('acme.com', earlier),
        license('acme.com', later),
      ];
      expect(decideAccess(reader({ email: 'ann@acme.com' }), licenses, now).reason).toBe(
        'site-license',
      );
    });

    it('gives a prospect at a licensed organization full access', () => {
      const result = decideAccess(
        reader({ plan: 'prospect', email: 'bo@acme.com' }),
        [license('acme.com')],
        now,
      );
      expect(result.full).toBe(true);
    });

    it('reports the plan before the license when both apply', () => {
      const result = decideAccess(
        reader({ plan: 'subscriber', email: 'ann@acme.com' }),
        [license('acme.com')],
        now,
      );
      expect(result.reason).toBe('subscriber');
    });

    it('grants nothing for an address without a domain', () => {
      expect(decideAccess(reader({ email: 'ann' }), [license('acme.com')], now).full).toBe(false);
    });
  });
});
