import { describe, expect, it } from 'vitest';
import { describePathForLog } from '../../src/http/log-path.js';

describe('describePathForLog', () => {
  it('keeps the route of a personal link and hides its token behind a short hash', () => {
    const token = 'eyJrIjoicCIsInIiOiJraW1AY29ycC5leGFtcGxlIn0.c2lnbmF0dXJl';
    for (const route of ['u', 'p', 't']) {
      const logged = describePathForLog(`/${route}/${token}`);
      expect(logged.path).toBe(`/${route}/:token`);
      expect(logged.token).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(JSON.stringify(logged)).not.toContain(token.slice(0, 10));
    }
  });

  it('gives the same link the same hash, and another link another', () => {
    expect(describePathForLog('/p/abc').token).toBe(describePathForLog('/u/abc').token);
    expect(describePathForLog('/p/abc').token).not.toBe(describePathForLog('/p/abd').token);
  });

  it('leaves other paths as they are', () => {
    expect(describePathForLog('/api/stories')).toEqual({ path: '/api/stories' });
    expect(describePathForLog('/trial')).toEqual({ path: '/trial' });
  });
});
