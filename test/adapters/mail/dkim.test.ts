import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../../src/adapters/mail/create-mail-transport.js';
import type { MailSettings } from '../../../src/adapters/mail/mail-transport.js';
import { startSmtpServer } from '../../support/smtp-test-server.js';
import { createDkimKey, FROM, makeTempDir, sampleEmail } from './mail-fixtures.js';

const key = createDkimKey();
const DNS_NAME = 's2026._domainkey.mail.example.com';

/** DNS for the test: only our selector's TXT record exists. */
async function resolver(name: string, type: string): Promise<string[][]> {
  if (type === 'TXT' && name === DNS_NAME) return [[key.txtRecord]];
  throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let settings: MailSettings;
let signed: Buffer;

beforeAll(async () => {
  temp = await makeTempDir();
  settings = {
    smtpUrl: null,
    outboxDir: temp.dir,
    from: FROM,
    dkim: { domain: 'mail.example.com', selector: 's2026', privateKey: key.privateKey },
  };
  const outbox = createMailTransport(settings);
  await outbox.send(sampleEmail({ unsubscribeMailto: 'mailto:unsub@mail.example.com' }));
  await outbox.close();
  signed = await readFile(join(temp.dir, 'delivery-42.abc@mail.example.com.eml'));
});

afterAll(async () => {
  await temp.remove();
});

describe('DKIM signing', () => {
  it('signs the outbox message so that a verifier passes it for the From domain', async () => {
    const { results } = await dkimVerify(signed, { resolver });
    expect(results).toHaveLength(1);
    expect(results[0]?.status.result).toBe('pass');
    expect(results[0]?.signingDomain).toBe('mail.example.com');
  });

  it('covers the identity, structure and one-click unsubscribe headers', async () => {
    const { results } = await dkimVerify(signed, { resolver });
    const covered = (results[0]?.signingHeaders?.keys ?? '').toLowerCase().split(/\s*:\s*/);
    expect(covered).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'subject',
        'date',
        'message-id',
        'mime-version',
        'content-type',
        'list-unsubscribe',
        'list-unsubscribe-post',
        'list-id',
        'feedback-id',
      ]),
    );
  });

  it('fails verification once a signed header is changed in transit', async () => {
    const tampered = Buffer.from(
      signed
        .toString('latin1')
        .replace('https://news.example.com/u/tok', 'https://evil.example/u/tok'),
      'latin1',
    );
    const { results } = await dkimVerify(tampered, { resolver });
    expect(results[0]?.status.result).toBe('fail');
  });

  it('signs what the SMTP transport sends the same way', async () => {
    const server = await startSmtpServer();
    const smtp = createMailTransport({ ...settings, smtpUrl: `${server.url}?socketTimeout=3000` });
    try {
      await smtp.send(sampleEmail());
      const { results } = await dkimVerify(server.received[0]!.raw, { resolver });
      expect(results.map((r) => r.status.result)).toEqual(['pass']);
    } finally {
      await smtp.close();
      await server.close();
    }
  });
});
