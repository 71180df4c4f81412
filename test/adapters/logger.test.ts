import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createThrottledWarn } from '../../src/adapters/logger.js';

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('createThrottledWarn', () => {
  afterEach(() => vi.useRealTimers());

  it('logs a burst of the same fault once, then once per interval with what it folded in', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    const { log, lines } = captureLog();
    const warn = createThrottledWarn(log, 30_000);
    for (let i = 0; i < 50; i++) warn('redis', { event: 'redis.connection_lost', attempt: i });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'redis.connection_lost', attempt: 0 });

    vi.setSystemTime(new Date('2026-12-01T10:00:31Z'));
    warn('redis', { event: 'redis.connection_lost', attempt: 50 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ attempt: 50, repeated: 49 });
  });

  it('keeps separate faults apart', () => {
    const { log, lines } = captureLog();
    const warn = createThrottledWarn(log);
    warn('queue.send', { event: 'queue.redis_error', queue: 'send' });
    warn('queue.digest', { event: 'queue.redis_error', queue: 'digest' });
    warn('queue.send', { event: 'queue.redis_error', queue: 'send' });
    expect(lines.map((l) => l.queue)).toEqual(['send', 'digest']);
  });
});
