import { createHash } from 'node:crypto';

/**
 * What an inbound message is known by: the sha256 of its bytes with line ends made LF, any
 * mbox `From ` line and trailing line ends left out. So the same message saved as a CRLF
 * `.eml` file, taken from an mbox, or piped in by an MTA is recognised as the one it is.
 */
export function messageFingerprint(raw: Buffer): string {
  let start = 0;
  if (raw.subarray(0, 5).toString('latin1') === 'From ') {
    const eol = raw.indexOf(0x0a);
    start = eol < 0 ? raw.length : eol + 1;
  }
  // latin1 maps each byte to one character and back: the bytes are hashed as they are.
  const text = raw.subarray(start).toString('latin1').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return createHash('sha256').update('message\n').update(text, 'latin1').digest('hex');
}

/** A provider event is known by its provider and the provider's own id for it. */
export function eventFingerprint(source: string, eventId: string): string {
  return createHash('sha256').update(`event\n${source}\n${eventId}`).digest('hex');
}
