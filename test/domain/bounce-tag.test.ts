import { describe, expect, it } from 'vitest';
import {
  readMessageIdTag,
  readVerpTag,
  signBounceTag,
  signedMessageIdLocal,
  verifyBounceTag,
} from '../../src/domain/bounce-tag.js';

const KEY = 'k'.repeat(32);
const OLD_KEY = 'o'.repeat(32);

describe('bounce tags', () => {
  it('names the delivery in a VERP address and a Message-ID, signed for its recipient', () => {
    const tag = signBounceTag(KEY, 42, 'Ann@Example.com');
    expect(tag).toMatch(/^d42-[a-z2-7]{16}$/);
    const verp = readVerpTag(`bounces+${tag}@mail.brief.example`);
    expect(verp).toEqual({ deliveryId: 42, signature: tag.slice(4) });
    expect(verifyBounceTag([KEY], verp!, 'ann@example.com')).toBe(true);

    const local = signedMessageIdLocal(KEY, 42, 'ann@example.com');
    const fromId = readMessageIdTag(`<${local}@brief.example>`);
    expect(fromId).toEqual(verp);
  });

  it('refuses another recipient, another delivery, a changed signature and a foreign key', () => {
    const tag = readVerpTag(`bounces+${signBounceTag(KEY, 42, 'ann@example.com')}@b.example`)!;
    expect(verifyBounceTag([KEY], tag, 'bob@example.com')).toBe(false);
    expect(verifyBounceTag([KEY], { ...tag, deliveryId: 43 }, 'ann@example.com')).toBe(false);
    const flipped = (tag.signature[0] === 'a' ? 'b' : 'a') + tag.signature.slice(1);
    expect(verifyBounceTag([KEY], { ...tag, signature: flipped }, 'ann@example.com')).toBe(false);
    expect(verifyBounceTag(['x'.repeat(32)], tag, 'ann@example.com')).toBe(false);
  });

  it('still verifies what the key before a rotation signed', () => {
    const tag = readVerpTag(`b+${signBounceTag(OLD_KEY, 7, 'cy@example.com')}@b.example`)!;
    expect(verifyBounceTag([KEY, OLD_KEY], tag, 'cy@example.com')).toBe(true);
    expect(verifyBounceTag([KEY], tag, 'cy@example.com')).toBe(false);
  });

  it('survives an MTA that upper-cases the local part, and reads nothing from other addresses', () => {
    const tag = signBounceTag(KEY, 9, 'di@example.com');
    const upper = readVerpTag(`BOUNCES+${tag.toUpperCase()}@B.EXAMPLE`)!;
    expect(verifyBounceTag([KEY], upper, 'di@example.com')).toBe(true);
    expect(readVerpTag('bounces@b.example')).toBeNull();
    expect(readVerpTag('ann+newsletters@example.com')).toBeNull();
    expect(readMessageIdTag('<CAF=abc@mail.gmail.com>')).toBeNull();
    expect(readMessageIdTag('<delivery-42@brief.example>')).toBeNull();
  });
});
