import { describe, expect, it } from 'vitest';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp } from '../support/test-app.js';
import { buildTestHttpApp } from '../support/test-http.js';

describe('trial links with TRIAL_PREFILL_EMAIL=true', () => {
  it('carry the address to prefill the sign-up form', async () => {
    const t = await createTestApp('sqlite', { env: { TRIAL_PREFILL_EMAIL: 'true' } });
    const http = await buildTestHttpApp(t.app);
    try {
      const token = await signLinkFor(
        t.app.db,
        t.app.secretKey,
        { kind: 'trial', reader: 'uma@corp.example', story: 's-9', source: { campaign: 2 } },
        new Date(Date.now() + 86_400_000),
      );
      const res = await http.inject({ method: 'GET', url: `/t/${token}` });
      const location = new URL(res.headers.location as string);
      expect(location.origin + location.pathname).toBe('https://brief.example/trial');
      expect(location.searchParams.get('email')).toBe('uma@corp.example');
      expect(location.searchParams.get('utm_campaign')).toBe('campaign-2');
    } finally {
      await http.close();
      await t.close();
    }
  });
});
