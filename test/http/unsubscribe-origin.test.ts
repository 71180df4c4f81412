import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { signLinkFor } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { buildTestHttpApp } from '../support/test-http.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ONE_CLICK = 'List-Unsubscribe=One-Click';

/**
 * `POST /u/:token` serves two callers: mail providers' RFC 8058 one-click request, from any
 * origin (their servers send no Origin; a webmail page may send its own), and the unsubscribe
 * page's buttons, which must come from the page itself, as `POST /p` does.
 */
describe('POST /u/:token and the origin it comes from', () => {
  let t: TestApp;
  let http: FastifyInstance;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    http = await buildTestHttpApp(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  /** A new reader and their `all` unsubscribe link. */
  async function readerWithLink(): Promise<{ email: string; url: string }> {
    const email = `reader${++n}@corp.example`;
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    const token = await signLinkFor(
      t.app.db,
      t.app.secretKey,
      { kind: 'unsubscribe', reader: email, list: 'all' },
      new Date(Date.now() + 86_400_000),
    );
    return { email, url: `/u/${token}` };
  }
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    http.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload });
  const statusOf = async (email: string) => (await findReaderByEmail(t.app.db, email))?.status;

  it('one-click works with no Origin, Origin null, or a mail provider’s own origin', async () => {
    const senders: Record<string, string>[] = [
      {},
      { origin: 'null' },
      { origin: 'https://mail.example', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of senders) {
      const { email, url } = await readerWithLink();
      const res = await post(url, ONE_CLICK, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect(await statusOf(email)).toBe('unsubscribed');
      // An empty body (some clients send none) is one-click too.
      const empty = await http.inject({ method: 'POST', url, headers });
      expect(empty.statusCode).toBe(200);
    }
  });

  it("refuses the page's buttons (resubscribe, a list) posted from another site", async () => {
    const { email, url } = await readerWithLink();
    expect((await post(url, ONE_CLICK)).statusCode).toBe(200);
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ];
    for (const headers of foreign) {
      const back = await post(url, 'action=resubscribe', headers);
      expect(back.statusCode, JSON.stringify(headers)).toBe(403);
      expect(back.json().error).toBe('this form can only be sent from its own page');
      expect(await statusOf(email)).toBe('unsubscribed');
      expect(await findSuppression(t.app.db, email)).toBeDefined();
    }
    const other = await readerWithLink();
    const chosen = await post(other.url, 'list=all', { origin: 'https://evil.example' });
    expect(chosen.statusCode).toBe(403);
    expect(await statusOf(other.email)).toBe('active');
  });

  it('takes them from the page itself', async () => {
    const { email, url } = await readerWithLink();
    expect((await post(url, 'list=all', { origin: 'https://brief.example' })).statusCode).toBe(200);
    expect(await statusOf(email)).toBe('unsubscribed');
    const back = await post(url, 'action=resubscribe', {
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });
    expect(back.statusCode).toBe(200);
    expect(await statusOf(email)).toBe('active');
  });
});
