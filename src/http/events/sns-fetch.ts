import type { KeyObject } from 'node:crypto';
import { UnauthenticatedEventError } from './provider-event.js';
import { publicKeyOfCertificate } from './sns-signature.js';

/**
 * Fetches the text at an SNS URL (a signing certificate, a SubscribeURL). Only ever called with
 * URLs already checked to be `https://sns.<region>.amazonaws.com/…`. Throws
 * {@link SnsFetchError} (or anything else, read as "could not reach it").
 */
export type SnsFetcher = (url: URL) => Promise<string>;

/** A fetch that failed; `refused` when Amazon answered and said no (it will not change). */
export class SnsFetchError extends Error {
  override name = 'SnsFetchError';
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

/** A certificate that could not be fetched for now: 503, so SNS retries. */
export class SnsUnavailableError extends Error {
  override name = 'SnsUnavailableError';
}

const FETCH_TIMEOUT_MS = 5_000;
const FETCH_MAX_BYTES = 64 * 1024;

/** The default fetcher: HTTPS, no redirects, 5 s, 64 KB at most, 200 only. */
export const fetchFromSns: SnsFetcher = async (url) => {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: '*/*' },
    });
  } catch (error) {
    throw new SnsFetchError(`${url.hostname} did not answer: ${(error as Error).message}`, false);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new SnsFetchError(`${url.hostname} answered ${response.status}`, response.status < 500);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > FETCH_MAX_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw new SnsFetchError(`${url.hostname} sent more than ${FETCH_MAX_BYTES} bytes`, true);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > FETCH_MAX_BYTES) {
      throw new SnsFetchError(`${url.hostname} sent more than ${FETCH_MAX_BYTES} bytes`, true);
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
};

interface Entry {
  key: Promise<KeyObject>;
  expires: number;
}

/**
 * SNS signing certificates by URL, fetched once and kept a day (SNS signs with the same one for
 * months). A fetch in flight is shared; a refused one is remembered a minute, so a flood of
 * forged messages naming certificates that do not exist costs one fetch each a minute. At most
 * `maxEntries` are kept; the oldest goes first.
 */
export class SnsCertificates {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fetcher: SnsFetcher,
    private readonly now: () => Date,
    private readonly options = { ttlMs: 24 * 3600_000, failureTtlMs: 60_000, maxEntries: 64 },
  ) {}

  /** The public key of the certificate at `url` (already checked to be Amazon's). */
  publicKey(url: URL): Promise<KeyObject> {
    const name = url.href;
    const at = this.now().getTime();
    const cached = this.entries.get(name);
    if (cached && cached.expires > at) return cached.key;
    if (cached) this.entries.delete(name);
    const key = this.load(url);
    const entry: Entry = { key, expires: at + this.options.ttlMs };
    this.entries.set(name, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    key.catch((error: unknown) => {
      // Unreachable: try again on the next message. Refused: not for a minute.
      if (error instanceof SnsUnavailableError) this.entries.delete(name);
      else entry.expires = this.now().getTime() + this.options.failureTtlMs;
    });
    return key;
  }

  private async load(url: URL): Promise<KeyObject> {
    let pem: string;
    try {
      pem = await this.fetcher(url);
    } catch (error) {
      if (error instanceof SnsFetchError && error.refused) {
        throw new UnauthenticatedEventError(
          `the SNS signing certificate was refused: ${error.message}`,
        );
      }
      throw new SnsUnavailableError(
        `the SNS signing certificate could not be fetched: ${(error as Error).message}`,
      );
    }
    return publicKeyOfCertificate(pem, this.now());
  }
}
