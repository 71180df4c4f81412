import { describe, expect, it } from 'vitest';
import { maskUrlPassword } from '../../src/config/redact.js';

describe('maskUrlPassword', () => {
  it.each([
    ['smtp://user:secret@host:587', 'smtp://user:***@host:587'],
    [
      'smtps://apikey:s3cr3t@smtp.example.net:465/?pool=true',
      'smtps://apikey:***@smtp.example.net:465/?pool=true',
    ],
    [
      'postgres://bulletin:secret@db.internal:5432/bulletin',
      'postgres://bulletin:***@db.internal:5432/bulletin',
    ],
    ['redis://:secret@cache.internal:6380/2', 'redis://:***@cache.internal:6380/2'],
    // A URL parser takes the last `@` of the authority: the password holds the others.
    ['smtp://user:p@ss@host:587', 'smtp://user:***@host:587'],
    ['smtp://user:pa ss@host', 'smtp://user:***@host'],
  ])('hides the password of %s', (text, expected) => {
    expect(maskUrlPassword(text)).toBe(expected);
  });

  it.each([
    ['a / in the password', 'smtp://user:pa/ss@host:587', 'smtp://user:***@host:587'],
    ['no host', 'smtp://user:secret@', 'smtp://user:***@'],
    ['a port that is no number', 'redis://:secret@host:port', 'redis://:***@host:port'],
  ])('hides the password of a value that does not parse: %s', (_what, text, expected) => {
    expect(() => new URL(text)).toThrow();
    expect(maskUrlPassword(text)).toBe(expected);
  });

  it('hides passwords given as query parameters', () => {
    expect(maskUrlPassword('postgres://db/bulletin?user=app&password=secret&sslmode=require')).toBe(
      'postgres://db/bulletin?user=app&password=***&sslmode=require',
    );
    expect(maskUrlPassword('smtp://mail.example?auth.pass=secret')).toBe(
      'smtp://mail.example?auth.pass=***',
    );
  });

  it('hides every URL password in a line of text, and nothing else', () => {
    expect(
      maskUrlPassword(
        'from smtp://a:one@mail.example:587 to redis://:two@cache:6379 for ann@example.com',
      ),
    ).toBe('from smtp://a:***@mail.example:587 to redis://:***@cache:6379 for ann@example.com');
  });

  it.each([
    'http://localhost:3000/trial',
    'https://news.example/@ann',
    'http://localhost:3000 then mail ann@example.com',
    'smtp://user@host:587',
    'smtp://user:@host',
    'sqlite:/var/lib/bulletin/bulletin.db',
    'not a url at all',
    '',
  ])('leaves %j as it is', (text) => {
    expect(maskUrlPassword(text)).toBe(text);
  });
});
