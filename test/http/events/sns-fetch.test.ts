import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFromSns, SnsFetchError } from '../../../src/http/events/sns-fetch.js';

/**
 * The default fetcher's own rules, against a local server (callers have checked the host is
 * Amazon's before it is ever called): 200 only, no redirect followed, 64 KB at most.
 */
describe('fetching from SNS', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      if (request.url === '/cert.pem') return response.end('-----BEGIN CERTIFICATE-----\n');
      if (request.url === '/moved.pem') {
        response.writeHead(302, { location: '/cert.pem' });
        return response.end();
      }
      if (request.url === '/huge.pem') {
        response.writeHead(200);
        return response.end('x'.repeat(100 * 1024));
      }
      if (request.url === '/busy.pem') {
        response.writeHead(503);
        return response.end();
      }
      response.writeHead(404);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const failure = async (path: string) => {
    try {
      await fetchFromSns(new URL(path, base));
      return 'fetched';
    } catch (error) {
      expect(error).toBeInstanceOf(SnsFetchError);
      return (error as SnsFetchError).refused ? 'refused' : 'unavailable';
    }
  };

  it('gives the text of a 200', async () => {
    await expect(fetchFromSns(new URL('/cert.pem', base))).resolves.toContain('BEGIN CERTIFICATE');
  });

  it('follows no redirect, and refuses a 404 or a body over 64 KB; a 503 is worth trying again', async () => {
    expect(await failure('/moved.pem')).toBe('refused');
    expect(await failure('/missing.pem')).toBe('refused');
    expect(await failure('/huge.pem')).toBe('refused');
    expect(await failure('/busy.pem')).toBe('unavailable');
  });
});
