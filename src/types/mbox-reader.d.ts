// mbox-reader ships no type declarations; this covers the part Bulletin uses.
declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';

  export interface MboxMessage {
    /** The address on the `From ` line. */
    returnPath: string;
    time: Date | false;
    /** The message, its `From ` line left out and `>From ` lines unquoted (mboxrd), lines joined by LF. */
    content: Buffer;
    headers: Map<string, string[]>;
    flags: string[];
    labels: string[];
    /** Bytes of the mbox read so far. */
    readSize: number;
  }

  /** The messages of an mbox, one at a time: the next is read once the loop asks for it. */
  export function mboxReader(
    source: Readable,
    options?: { gz?: boolean },
  ): AsyncGenerator<MboxMessage>;
}
