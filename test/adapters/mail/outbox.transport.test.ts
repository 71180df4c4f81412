import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../../src/adapters/mail/create-mail-transport.js';
import type { MailTransport } from '../../../src/adapters/mail/mail-transport.js';
import { outboxFileName } from '../../../src/adapters/mail/outbox.transport.js';
import { SendFailure } from '../../../src/adapters/mail/smtp-failure.js';
import {
  FROM,
  headerValues,
  makeTempDir,
  parseMail,
  readHeaderLines,
  sampleEmail,
} from './mail-fixtures.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let outboxDir: string;
let transport: MailTransport;

beforeEach(async () => {
  temp = await makeTempDir();
  outboxDir = join(temp.dir, 'outbox');
  transport = createMailTransport({ smtpUrl: null, outboxDir, from: FROM, dkim: null });
});

afterEach(async () => {
  await transport.close();
  await temp.remove();
});

describe('outbox transport', () => {
  it('writes the message as one .eml named after its Message-ID, and nothing else', async () => {
    const result = await transport.send(sampleEmail());

    expect(result.messageId).toBe('<delivery-42.abc@mail.example.com>');
    expect(result.response).toContain('delivery-42.abc@mail.example.com.eml');
    expect(await readdir(outboxDir)).toEqual(['delivery-42.abc@mail.example.com.eml']);
  });

  it('writes RFC 5322 bytes that parse back to the same message', async () => {
    await transport.send(sampleEmail());
    const raw = await readFile(join(outboxDir, 'delivery-42.abc@mail.example.com.eml'));

    expect(raw.toString()).not.toMatch(/[^\r]\n/);
    const parsed = await parseMail(raw);
    expect(parsed.subject).toBe('Export controls: your daily digest');
    expect(parsed.text).toContain('Three new stories.');
    expect(parsed.html).toContain('Unsubscribe</a>');
    const lines = await readHeaderLines(raw);
    expect(headerValues(lines, 'List-Unsubscribe')).toEqual(['<https://news.example.com/u/tok>']);
    expect(headerValues(lines, 'Message-ID')).toEqual(['<delivery-42.abc@mail.example.com>']);
  });

  it('replaces the file when the same message is sent again', async () => {
    await transport.send(sampleEmail({ subject: 'First attempt' }));
    await transport.send(sampleEmail({ subject: 'Second attempt' }));

    const files = await readdir(outboxDir);
    expect(files).toEqual(['delivery-42.abc@mail.example.com.eml']);
    const parsed = await parseMail(await readFile(join(outboxDir, files[0]!)));
    expect(parsed.subject).toBe('Second attempt');
  });

  it('writes concurrent sends of different messages to their own files', async () => {
    const ids = Array.from({ length: 20 }, (_, n) => `<delivery-${n}@mail.example.com>`);
    await Promise.all(ids.map((messageId) => transport.send(sampleEmail({ messageId }))));
    const files = (await readdir(outboxDir)).sort();
    expect(files).toHaveLength(20);
    expect(files.every((f) => /^delivery-\d+@mail\.example\.com\.eml$/.test(f))).toBe(true);
  });

  it('replaces a file by rename: a reader holding the old file still reads it whole', async () => {
    const path = join(outboxDir, 'delivery-42.abc@mail.example.com.eml');
    await transport.send(sampleEmail({ subject: 'Old' }));
    const oldBytes = await readFile(path);
    const reader = await open(path, 'r');
    try {
      await transport.send(sampleEmail({ subject: 'New' }));
      const { buffer, bytesRead } = await reader.read(
        Buffer.alloc(oldBytes.length + 10),
        0,
        oldBytes.length + 10,
        0,
      );
      expect(buffer.subarray(0, bytesRead).equals(oldBytes)).toBe(true);
    } finally {
      await reader.close();
    }
    expect((await parseMail(await readFile(path))).subject).toBe('New');
  });

  it('leaves no temporary file behind when the final rename fails', async () => {
    await mkdir(join(outboxDir, 'delivery-42.abc@mail.example.com.eml'), { recursive: true });
    const error = await transport.send(sampleEmail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendFailure);
    expect((error as SendFailure).kind).toBe('retryable');
    expect(await readdir(outboxDir)).toEqual(['delivery-42.abc@mail.example.com.eml']);
  });

  it('fails as retryable when the outbox cannot be written', async () => {
    await writeFile(join(temp.dir, 'blocked'), 'a file where the directory should be');
    const blocked = createMailTransport({
      smtpUrl: null,
      outboxDir: join(temp.dir, 'blocked', 'outbox'),
      from: FROM,
      dkim: null,
    });
    const error = await blocked.send(sampleEmail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendFailure);
    expect((error as SendFailure).kind).toBe('retryable');
  });

  it('describes itself as the outbox directory', () => {
    expect(transport.describe()).toBe(`outbox ${outboxDir}`);
  });
});

describe('outboxFileName', () => {
  it('keeps only safe characters and never starts with a dot', () => {
    expect(outboxFileName('<a/../b c@x.y>')).toBe('a_.._b_c@x.y.eml');
    expect(outboxFileName('<../../etc@x>')).toBe('__.._etc@x.eml');
  });
});
