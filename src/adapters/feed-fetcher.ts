import dns from 'node:dns';
import net from 'node:net';
import { Agent, errors, request } from 'undici';
import { maskUrlPassword } from '../config/redact.js';

/** What a conditional GET sends back: the validators of the last full answer. */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedResponse =
  | { status: 'not-modified' }
  | { status: 'ok'; body: string; contentType: string | null; validators: FeedValidators };

/**
 * Why a fetch failed; `retryable`: worth trying again later (a timeout, a 503). The message
 * names the feed's URL with its password masked: it is stored, listed and logged.
 */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(maskUrlPassword(message));
  }
}

export interface FeedFetcher {
  fetch(url: string, validators: FeedValidators): Promise<FeedResponse>;
  close(): Promise<void>;
}

export interface FeedFetcherOptions {
  /** Loopback and private addresses are refused unless this is set (FEEDS_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** The whole fetch, redirects and body included. */
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

/** Addresses a feed must not be fetched from: loopback, private, link-local, unspecified. */
const PRIVATE = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv6');

/** Whether an address (v4, v6, or v4 mapped into v6) is one a feed must not come from. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1] as string, 'ipv4');
  const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
  return PRIVATE.check(address, family);
}

const refusedMessage = (host: string, address: string) =>
  `${host} is at a private or loopback address (${address}); set FEEDS_ALLOW_PRIVATE=true to allow it`;

/**
 * Fetches feeds over HTTP(S) with undici: a conditional GET, redirects followed (each hop
 * checked) up to a limit, the body read up to a size limit, the whole within a time limit.
 * Unless private addresses are allowed, the address a name resolves to is checked at connect
 * time, so a name that points at 127.0.0.1 (or changes to it after a check) is refused.
 */
export function createFeedFetcher(options: FeedFetcherOptions): FeedFetcher {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const lookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = options.allowPrivate
        ? undefined
        : list.find((a) => isPrivateAddress(a.address));
      if (refused)
        return callback(new RefusedAddressError(refusedMessage(hostname, refused.address)), '', 0);
      if (lookupOptions.all) return callback(null, list as unknown as string, 0);
      const first = list[0] as dns.LookupAddress;
      callback(null, first.address, first.family);
    });
  };
  const agent = new Agent({
    connect: { lookup, timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function fetchOnce(url: string, validators: FeedValidators, signal: AbortSignal) {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new FeedFetchError(`${url}: only http and https feeds are fetched`, false);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && net.isIP(host) && isPrivateAddress(host))
      throw new FeedFetchError(refusedMessage(host, host), false);
    return request(target, {
      method: 'GET',
      dispatcher: agent,
      signal,
      headers: {
        accept:
          'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1',
        'user-agent': 'Bulletin feed poller',
        ...(validators.etag ? { 'if-none-match': validators.etag } : {}),
        ...(validators.lastModified ? { 'if-modified-since': validators.lastModified } : {}),
      },
    });
  }

  return {
    async fetch(url, validators) {
      const signal = AbortSignal.timeout(timeoutMs);
      let current = url;
      try {
        for (let hop = 0; ; hop++) {
          const response = await fetchOnce(current, validators, signal);
          const header = (name: string) => {
            const value = response.headers[name];
            return (Array.isArray(value) ? value[0] : value) ?? null;
          };
          if (
            response.statusCode >= 300 &&
            response.statusCode < 400 &&
            response.statusCode !== 304
          ) {
            await response.body.dump();
            const location = header('location');
            if (!location)
              throw new FeedFetchError(`${current}: redirect without a Location`, true);
            if (hop >= maxRedirects)
              throw new FeedFetchError(
                `${url}: more than ${maxRedirects} redirects (a redirect loop?)`,
                true,
              );
            current = new URL(location, current).toString();
            continue;
          }
          if (response.statusCode === 304) {
            await response.body.dump();
            return { status: 'not-modified' };
          }
          if (response.statusCode >= 400) {
            await response.body.dump();
            // A 4xx other than 408/429 will not mend itself by waiting; it is still polled again.
            const retryable =
              response.statusCode >= 500 || [408, 429].includes(response.statusCode);
            throw new FeedFetchError(
              `${current}: the server answered ${response.statusCode}`,
              retryable,
            );
          }
          const declared = Number(header('content-length'));
          if (declared > maxBytes) {
            response.body.destroy();
            throw new FeedFetchError(`${current}: the feed is larger than ${maxBytes} bytes`, true);
          }
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of response.body) {
            size += chunk.length;
            if (size > maxBytes) {
              response.body.destroy();
              throw new FeedFetchError(
                `${current}: the feed is larger than ${maxBytes} bytes`,
                true,
              );
            }
            chunks.push(chunk);
          }
          return {
            status: 'ok',
            body: new TextDecoder('utf-8').decode(Buffer.concat(chunks)),
            contentType: header('content-type'),
            validators: { etag: header('etag'), lastModified: header('last-modified') },
          };
        }
      } catch (error) {
        throw describeFailure(current, error, timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

class RefusedAddressError extends Error {}

function describeFailure(url: string, error: unknown, timeoutMs: number): FeedFetchError {
  if (error instanceof FeedFetchError) return error;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof RefusedAddressError || error instanceof RefusedAddressError)
    return new FeedFetchError((cause as Error).message, false);
  const name = error instanceof Error ? error.name : '';
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  )
    return new FeedFetchError(`${url}: no answer within ${timeoutMs / 1000} s`, true);
  const message = cause instanceof Error ? cause.message : String(cause);
  return new FeedFetchError(`${url}: ${message}`, true);
}
