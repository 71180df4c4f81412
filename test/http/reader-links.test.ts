import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../db/repositories/reader.repository.js';
import { listSubscriptions } from '../../db/repositories/subscription.repository.js';
import { addSuppression, findSuppression } from '../../db/repositories/suppression.repository.js';
import { eraseReader } from '../../src/services/readers/erase-reader.service.js';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { signLinkFor, type TestLinkPayload } from '../support/reader-tokens.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { buildTestHttpApp } from '../support/test-http.js';

const SECRET_KEY = 'current-key-current-key-current-key!';
const SECRET_KEY_PREVIOUS = 'previous-key-previous-key-previous-key';
const TRIAL_URL = 'https://publisher.example/trial?plan=pro';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SAME_ORIGIN = { ...FORM, 'sec-fetch-site': 'same-origin', origin: 'null' };

describe.each(DIALECTS)('personal links (%s)', (dialect) => {
  let t: TestApp;
  let http: FastifyInstance;
  const NOW = new Date('2026-11-28T10:00:00Z');
  const inAYear = new Date(NOW.getTime() + 365 * 86_400_000);
  const sign = (payload: TestLinkPayload, key: string = SECRET_KEY, expires = inAYear) =>
    signLinkFor(t.app.db, key, payload, expires);
  const expired = (payload: TestLinkPayload) =>
    sign(payload, SECRET_KEY, new Date(NOW.getTime() - 1000));
  const tamper = (token: string) => {
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.i += 1;
    return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
  };

  const addReader = async (email: string) => {
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'Europe/Paris',
      marketingConsent: true,
    });
    await subscribe(t.app, { email, topic: 'customs', cadence: 'instant' });
    await subscribe(t.app, { email, topic: 'sanctions', cadence: 'daily' });
  };
  const subsOf = async (email: string) =>
    Object.fromEntries((await listSubscriptions(t.app.db, email)).map((s) => [s.topicSlug, s]));

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      env: { SECRET_KEY, SECRET_KEY_PREVIOUS, TRIAL_URL },
    });
    t.setNow(NOW);
    http = await buildTestHttpApp(t.app);
    await addTopic(t.app, { slug: 'customs', name: 'Customs rulings', query: 'customs' });
    await addTopic(t.app, { slug: 'sanctions', name: 'Russia sanctions', query: 'sanctions' });
    await addTopic(t.app, { slug: 'tariffs', name: 'Tariffs', query: 'tariffs' });
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  describe('unsubscribe', () => {
    it('shows the page on GET and changes nothing', async () => {
      await addReader('gina@corp.example');
      const token = await sign({ kind: 'unsubscribe', reader: 'gina@corp.example', list: 'daily' });
      for (const method of ['GET', 'HEAD'] as const) {
        const res = await http.inject({ method, url: `/u/${token}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
      }
      const page = (await http.inject({ method: 'GET', url: `/u/${token}` })).body;
      expect(page).toContain('Unsubscribe from the daily digest');
      expect(page).toContain('Unsubscribe from all emails');
      expect(page).toMatch(/href="\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
      const subs = await subsOf('gina@corp.example');
      expect(subs.sanctions?.paused).toBe(false);
      expect((await findReaderByEmail(t.app.db, 'gina@corp.example'))?.status).toBe('active');
    });

    it('takes the reader off the daily list in one click, 200 without a redirect, repeatably', async () => {
      await addReader('hal@corp.example');
      const token = await sign({ kind: 'unsubscribe', reader: 'hal@corp.example', list: 'daily' });
      for (let i = 0; i < 2; i++) {
        const res = await http.inject({
          method: 'POST',
          url: `/u/${token}`,
          headers: FORM,
          payload: 'List-Unsubscribe=One-Click',
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.body).toContain('will get no more of the daily digest');
      }
      const subs = await subsOf('hal@corp.example');
      expect(subs.sanctions?.paused).toBe(true);
      expect(subs.customs?.paused).toBe(false);
      expect((await findReaderByEmail(t.app.db, 'hal@corp.example'))?.status).toBe('active');
      expect(await findSuppression(t.app.db, 'hal@corp.example')).toBeUndefined();
    });

    it('accepts a one-click request as multipart, and one from another site', async () => {
      await addReader('ivy@corp.example');
      const token = await sign({
        kind: 'unsubscribe',
        reader: 'ivy@corp.example',
        list: 'instant',
      });
      const res = await http.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: {
          'content-type': 'multipart/form-data; boundary=b',
          origin: 'https://mail.example',
          'sec-fetch-site': 'cross-site',
        },
        payload:
          '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      });
      expect(res.statusCode).toBe(200);
      expect((await subsOf('ivy@corp.example')).customs?.paused).toBe(true);
    });

    it('turns marketing off for a marketing link, and stops everything for an all link', async () => {
      await addReader('jo@corp.example');
      const marketing = await sign({
        kind: 'unsubscribe',
        reader: 'jo@corp.example',
        list: 'marketing',
      });
      expect((await http.inject({ method: 'POST', url: `/u/${marketing}` })).statusCode).toBe(200);
      const reader = await findReaderByEmail(t.app.db, 'jo@corp.example');
      expect(reader).toMatchObject({
        marketingConsent: false,
        consentSource: null,
        consentAt: null,
        status: 'active',
      });
      const all = await sign({ kind: 'unsubscribe', reader: 'jo@corp.example' });
      expect((await http.inject({ method: 'POST', url: `/u/${all}` })).statusCode).toBe(200);
      expect((await findReaderByEmail(t.app.db, 'jo@corp.example'))?.status).toBe('unsubscribed');
      expect(await findSuppression(t.app.db, 'jo@corp.example')).toMatchObject({
        reason: 'unsubscribed',
      });
      // The page now says so and offers to come back; resubscribing lifts only that.
      const page = await http.inject({ method: 'GET', url: `/u/${marketing}` });
      expect(page.body).toContain('is unsubscribed from all emails');
      expect(page.body).toContain('Resubscribe');
      const back = await http.inject({
        method: 'POST',
        url: `/u/${all}`,
        headers: FORM,
        payload: 'action=resubscribe',
      });
      expect(back.statusCode).toBe(200);
      expect(back.body).toContain('You are subscribed again');
      expect(await findSuppression(t.app.db, 'jo@corp.example')).toBeUndefined();
      expect((await findReaderByEmail(t.app.db, 'jo@corp.example'))?.status).toBe('active');
    });

    it('never lifts a bounce or complaint when resubscribing', async () => {
      await addReader('kai@corp.example');
      await addSuppression(t.app.db, 'kai@corp.example', 'hard-bounce', new Date());
      const token = await sign({ kind: 'unsubscribe', reader: 'kai@corp.example' });
      const page = await http.inject({ method: 'GET', url: `/u/${token}` });
      expect(page.body).toContain('We send no email to kai@corp.example');
      expect(page.body).not.toContain('Resubscribe');
      await http.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: FORM,
        payload: 'action=resubscribe',
      });
      expect(await findSuppression(t.app.db, 'kai@corp.example')).toMatchObject({
        reason: 'hard-bounce',
      });
    });

    it('refuses tampered, expired and wrong-kind tokens, changing nothing', async () => {
      await addReader('lu@corp.example');
      const good = await sign({ kind: 'unsubscribe', reader: 'lu@corp.example' });
      const bad = [
        tamper(good),
        `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`,
        await expired({ kind: 'unsubscribe', reader: 'lu@corp.example' }),
        await sign({ kind: 'preferences', reader: 'lu@corp.example' }),
        await sign(
          { kind: 'unsubscribe', reader: 'lu@corp.example' },
          'another-key-another-key-another-key!',
        ),
        'not-a-token',
      ];
      for (const token of bad) {
        for (const method of ['GET', 'POST'] as const) {
          const res = await http.inject({
            method,
            url: `/u/${token}`,
            headers: { accept: 'text/html' },
          });
          expect(res.statusCode, `${method} ${token}`).toBe(400);
          expect(res.body).toContain('This link has expired or is not valid');
        }
      }
      expect((await findReaderByEmail(t.app.db, 'lu@corp.example'))?.status).toBe('active');
    });

    it('still takes links signed with the previous key during a rotation', async () => {
      await addReader('mo@corp.example');
      const old = await sign(
        { kind: 'unsubscribe', reader: 'mo@corp.example' },
        SECRET_KEY_PREVIOUS,
      );
      expect((await http.inject({ method: 'POST', url: `/u/${old}` })).statusCode).toBe(200);
      expect((await findReaderByEmail(t.app.db, 'mo@corp.example'))?.status).toBe('unsubscribed');
    });

    it('answers 405 with Allow, 415 for a body it cannot take, 413 for a huge one', async () => {
      const token = await sign({ kind: 'unsubscribe', reader: 'gina@corp.example' });
      const put = await http.inject({ method: 'PUT', url: `/u/${token}` });
      expect(put.statusCode).toBe(405);
      expect(put.headers.allow).toBe('GET, POST, HEAD');
      const xml = await http.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: { 'content-type': 'application/xml' },
        payload: '<unsubscribe/>',
      });
      expect(xml.statusCode).toBe(415);
      const huge = await http.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: FORM,
        payload: `list=all&x=${'a'.repeat(100_000)}`,
      });
      expect(huge.statusCode).toBe(413);
      const wrongList = await http.inject({
        method: 'POST',
        url: `/u/${token}`,
        headers: FORM,
        payload: 'list=everything',
      });
      expect(wrongList.statusCode).toBe(400);
      expect((await findReaderByEmail(t.app.db, 'gina@corp.example'))?.status).toBe('active');
    });
  });

  describe('preferences', () => {
    it('sends headers that keep the link from leaking or being framed', async () => {
      await addReader('nia@corp.example');
      const token = await sign({ kind: 'preferences', reader: 'nia@corp.example' });
      const res = await http.inject({ method: 'GET', url: `/p/${token}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.body).toContain('Customs rulings');
      // The reader's zone is the one selected (a zone that is its own label has no value).
      expect(res.body).toContain('<option selected="">Europe/Paris</option>');
    });

    it('refuses a form posted from another site', async () => {
      await addReader('oz@corp.example');
      const token = await sign({ kind: 'preferences', reader: 'oz@corp.example' });
      const attempts = [
        { ...FORM, 'sec-fetch-site': 'cross-site' },
        { ...FORM, origin: 'https://evil.example' },
        { ...FORM, origin: 'null' },
      ];
      for (const headers of attempts) {
        const res = await http.inject({
          method: 'POST',
          url: `/p/${token}`,
          headers,
          payload: 'action=unsubscribe',
        });
        expect(res.statusCode).toBe(403);
      }
      expect((await findReaderByEmail(t.app.db, 'oz@corp.example'))?.status).toBe('active');
      const own = await http.inject({
        method: 'POST',
        url: `/p/${token}`,
        headers: { ...FORM, origin: 'https://brief.example' },
        payload: 'action=unsubscribe',
      });
      expect(own.statusCode).toBe(200);
      expect((await findReaderByEmail(t.app.db, 'oz@corp.example'))?.status).toBe('unsubscribed');
    });

    it('refuses invalid values with the form shown again, saving none of the changes', async () => {
      await addReader('pia@corp.example');
      const before = await subsOf('pia@corp.example');
      const token = await sign({ kind: 'preferences', reader: 'pia@corp.example' });
      const id = before.customs?.id as number;
      const daily = before.sanctions?.id as number;
      const res = await http.inject({
        method: 'POST',
        url: `/p/${token}`,
        headers: SAME_ORIGIN,
        payload: new URLSearchParams({
          [`cadence-${id}`]: 'hourly',
          [`at-${daily}`]: '25:00',
          [`paused-${daily}`]: 'on',
          tz: 'Mars/Olympus',
          'pause-days': 'soon',
          follow: 'no-such-topic',
        }).toString(),
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Nothing was saved');
      expect(res.body).toContain(`id="cadence-${id}-error"`);
      expect(res.body).toContain(`id="at-${daily}-error"`);
      expect(res.body).toContain('id="tz-error"');
      expect(res.body).toContain('id="pause-days-error"');
      expect(res.body).toContain('id="follow-error"');
      // The refused time is shown back to be corrected.
      expect(res.body).toContain('value="25:00"');
      const after = await subsOf('pia@corp.example');
      expect(after.sanctions?.paused).toBe(false);
      expect(after).toEqual(before);
      expect((await findReaderByEmail(t.app.db, 'pia@corp.example'))?.tz).toBe('Europe/Paris');
    });

    it('refuses a form naming a subscription that is not the reader’s', async () => {
      await addReader('ren@corp.example');
      const token = await sign({ kind: 'preferences', reader: 'ren@corp.example' });
      const others = await subsOf('gina@corp.example');
      const res = await http.inject({
        method: 'POST',
        url: `/p/${token}`,
        headers: SAME_ORIGIN,
        payload: `drop-${others.customs?.id}=on`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('one of these subscriptions is not yours');
      expect((await subsOf('gina@corp.example')).customs).toBeDefined();
    });

    it('saves a valid form and recomputes the next send', async () => {
      await addReader('quy@corp.example');
      const before = await subsOf('quy@corp.example');
      const token = await sign({ kind: 'preferences', reader: 'quy@corp.example' });
      const daily = before.sanctions?.id as number;
      const res = await http.inject({
        method: 'POST',
        url: `/p/${token}`,
        headers: SAME_ORIGIN,
        payload: new URLSearchParams({
          [`cadence-${daily}`]: 'weekly',
          [`at-${daily}`]: '09:15',
          [`day-${daily}`]: 'wed',
          tz: 'America/New_York',
          follow: 'tariffs',
          'follow-cadence': 'daily',
        }).toString(),
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Your preferences are saved.');
      const after = await subsOf('quy@corp.example');
      expect(after.sanctions).toMatchObject({ cadence: 'weekly', sendAt: '09:15', weekday: 3 });
      // Wednesday 2 December, 09:15 in New York.
      expect(after.sanctions?.nextDueAt?.toISOString()).toBe('2026-12-02T14:15:00.000Z');
      expect(after.tariffs).toMatchObject({ cadence: 'daily', paused: false });
      expect((await findReaderByEmail(t.app.db, 'quy@corp.example'))?.marketingConsent).toBe(false);
    });

    it('refuses the link of an erased reader and bad tokens (400)', async () => {
      const gone = await sign({ kind: 'preferences', reader: 'gone@corp.example' });
      await eraseReader(t.app, 'gone@corp.example');
      const res = await http.inject({
        method: 'GET',
        url: `/p/${gone}`,
        headers: { accept: 'text/html' },
      });
      expect(res.statusCode).toBe(400);
      const token = await sign({ kind: 'preferences', reader: 'nia@corp.example' });
      for (const bad of [
        tamper(token),
        await expired({ kind: 'preferences', reader: 'nia@corp.example' }),
        await sign({ kind: 'unsubscribe', reader: 'nia@corp.example' }),
      ]) {
        expect((await http.inject({ method: 'GET', url: `/p/${bad}` })).statusCode).toBe(400);
        const post = await http.inject({
          method: 'POST',
          url: `/p/${bad}`,
          headers: SAME_ORIGIN,
          payload: 'action=unsubscribe',
        });
        expect(post.statusCode).toBe(400);
      }
      expect((await findReaderByEmail(t.app.db, 'nia@corp.example'))?.status).toBe('active');
      expect((await http.inject({ method: 'DELETE', url: `/p/${token}` })).headers.allow).toBe(
        'GET, POST, HEAD',
      );
      const json = await http.inject({
        method: 'POST',
        url: `/p/${token}`,
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        payload: '{}',
      });
      expect(json.statusCode).toBe(415);
    });
  });

  describe('trial links', () => {
    const trial = (
      email: string,
      source: { digest: number } | { campaign: number } = { digest: 7 },
    ) => sign({ kind: 'trial', reader: email, story: 'w-1', source });
    const clicksOf = (email: string) =>
      t.app.db.selectFrom('trial_clicks').selectAll().where('email', '=', email).execute();

    it('records the click and redirects to TRIAL_URL with story, utm and ref, never the address', async () => {
      const res = await http.inject({
        method: 'GET',
        url: `/t/${await trial('rae@corp.example')}`,
      });
      expect(res.statusCode).toBe(302);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const location = new URL(res.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe('https://publisher.example/trial');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        plan: 'pro',
        story: 'w-1',
        utm_source: 'bulletin',
        utm_medium: 'email',
        utm_campaign: 'digest',
        ref: expect.stringMatching(/^c[0-9a-z]+-[A-Za-z0-9_-]{16}$/),
      });
      expect(res.headers.location).not.toContain('rae');
      expect(await clicksOf('rae@corp.example')).toEqual([
        expect.objectContaining({ story_external_id: 'w-1', digest_id: 7, campaign_id: null }),
      ]);
    });

    it('records each click of a replayed link, each with its own ref; HEAD records none', async () => {
      const token = await trial('sam@corp.example', { campaign: 4 });
      const refs = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const res = await http.inject({ method: 'GET', url: `/t/${token}` });
        refs.add(new URL(res.headers.location as string).searchParams.get('ref') as string);
      }
      expect(refs.size).toBe(2);
      const head = await http.inject({ method: 'HEAD', url: `/t/${token}` });
      expect(head.statusCode).toBe(302);
      expect(await clicksOf('sam@corp.example')).toHaveLength(2);
    });

    it('leads an invalid, expired or wrong-kind link to the plain TRIAL_URL, recording nothing', async () => {
      const token = await trial('tia@corp.example');
      for (const bad of [
        tamper(token),
        await expired({
          kind: 'trial',
          reader: 'tia@corp.example',
          story: 'w-1',
          source: { digest: 7 },
        }),
        await sign({ kind: 'preferences', reader: 'tia@corp.example' }),
        'x'.repeat(5000),
        '%00',
      ]) {
        const res = await http.inject({ method: 'GET', url: `/t/${bad}` });
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe(TRIAL_URL);
      }
      expect(await clicksOf('tia@corp.example')).toEqual([]);
      expect((await clicksOf('someone-else@corp.example')).length).toBe(0);
      const post = await http.inject({ method: 'POST', url: `/t/${token}` });
      expect(post.statusCode).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
    });
  });
});
