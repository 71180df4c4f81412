import { describe, expect, it } from 'vitest';
import { judgeFailure } from '../../../src/domain/bounces/index.js';
import {
  bestStatus,
  enhancedStatusIn,
  oneLine,
  replyCodeIn,
} from '../../../src/domain/bounces/status.js';

describe('judgeFailure: hard only when the address is dead', () => {
  it.each([
    // status, words, kind, why
    [
      '5.1.1',
      '550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown',
      'hard',
      'user unknown',
    ],
    [
      '5.1.10',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found',
      'hard',
      'user unknown',
    ],
    ['5.4.1', '550 5.4.1 Recipient address rejected: Access denied', 'hard', 'user unknown'],
    [
      '5.1.2',
      "Sorry, I couldn't find any host named example.invalid. (#5.1.2)",
      'hard',
      'domain unknown',
    ],
    ['5.1.6', '550 5.1.6 recipient no longer on server', 'hard', 'user unknown'],
    ['5.0.0', 'no words the rules know', 'hard', 'permanent failure'],
    ['550', null, 'hard', 'permanent failure'],
    // Soft in a 5xx: the mailbox, the message, our sending, a policy.
    ['5.2.2', '552 5.2.2 Mailbox full', 'soft', 'mailbox full'],
    ['5.1.1', '550 5.1.1 <x@example.com>... mailbox full', 'soft', 'mailbox full'],
    ['552', '552 sorry, mailbox x@example.com is over quota', 'soft', 'mailbox full'],
    ['5.3.4', '552 5.3.4 Message too large', 'soft', 'message too large'],
    [
      '5.7.1',
      '554 5.7.1 Client host [198.51.100.7] blocked using zen.dnsbl.example',
      'soft',
      'blocked as spam or by policy',
    ],
    [
      '5.7.26',
      "Unauthenticated email from brief.example is not accepted due to domain's DMARC policy",
      'soft',
      'authentication (SPF/DKIM/DMARC)',
    ],
    ['5.7.1', '550 5.7.1 Message rejected as spam', 'soft', 'blocked as spam or by policy'],
    ['5.7.1', 'no words the rules know', 'soft', 'refused by policy'],
    ['5.1.8', '501 5.1.8 Sender address rejected', 'soft', 'our sender refused'],
    ['5.2.1', 'The email account that you tried to reach is disabled.', 'soft', 'account disabled'],
    [
      '5.1.1',
      '550 5.1.1 <x@example.com> - 203.0.113.22 has sent to too many recipients this hour',
      'soft',
      'rate limited',
    ],
    ['5.4.7', 'Message expired: unable to deliver in 840 minutes', 'soft', 'expired in queue'],
    [
      '5.0.0',
      'host mx.example.com said: 550 Rejected after EHLO',
      'soft',
      'blocked as spam or by policy',
    ],
    // 4.x.x is soft whatever the words: the server itself says "later".
    [
      '4.1.1',
      '450 4.1.1 <x@example.com>: Recipient address rejected: User unknown',
      'soft',
      'temporary: user unknown',
    ],
    ['451', '451 Temporary failure, please try again later', 'soft', 'temporary: rate limited'],
  ] as const)('%s %s → %s (%s)', (status, words, kind, why) => {
    expect(judgeFailure(status, words)).toEqual({ kind, why });
  });

  it('reads the first reply when a diagnostic quotes several', () => {
    const words =
      '550 5.1.1 <x@example.com>... User unknown 421 example.com... Deferred: Connection timed out';
    expect(judgeFailure('5.1.1', words).kind).toBe('hard');
  });

  it('takes what a non-standard bounce says of itself when there is no code', () => {
    expect(judgeFailure(null, 'The recipient name is not recognized', true).kind).toBe('hard');
    expect(judgeFailure(null, 'something went wrong', true)).toEqual({
      kind: 'hard',
      why: 'permanent failure',
    });
    expect(judgeFailure(null, 'something went wrong', false).kind).toBe('soft');
    expect(judgeFailure(null, 'something went wrong')).toEqual({
      kind: 'soft',
      why: 'failure without a code',
    });
  });
});

describe('status codes in free text', () => {
  it('finds enhanced codes, not IP addresses or versions', () => {
    expect(enhancedStatusIn('said: 550 5.1.1 <a@b.example>')).toBe('5.1.1');
    expect(enhancedStatusIn('(#5.5.0)')).toBe('5.5.0');
    expect(enhancedStatusIn('#550 5.2.2 STOREDRV')).toBe('5.2.2');
    expect(enhancedStatusIn('host 192.0.2.45 said')).toBeNull();
    expect(enhancedStatusIn('Exim 4.98.1 at 10.4.4.2')).toBeNull();
  });

  it('finds reply codes, not times, ports or years', () => {
    expect(replyCodeIn('Remote host said: 552 Error: disk quota exceeded')).toBe('552');
    expect(replyCodeIn('ERROR_CODE :421, Host not reachable')).toBe('421');
    expect(replyCodeIn('Tue, 1 Dec 2026 07:02:11 +0000 port 25')).toBeNull();
    expect(replyCodeIn('250 2.0.0 Ok')).toBeNull();
  });

  it('prefers a precise Status, then a precise code in the words, then the reply code', () => {
    expect(bestStatus('5.1.1', '550 5.7.1 blocked')).toBe('5.1.1');
    expect(bestStatus('5.0.0', '550 5.2.2 mailbox full')).toBe('5.2.2');
    expect(bestStatus(null, '550 unknown user')).toBe('550');
    expect(bestStatus(null, null)).toBeNull();
  });

  it('makes a diagnostic one line without its type label', () => {
    expect(oneLine('smtp; 550 5.1.1 User\r\n    unknown')).toBe('550 5.1.1 User unknown');
    expect(oneLine('   ')).toBeNull();
    expect(oneLine('x'.repeat(900))?.length).toBe(500);
  });
});
