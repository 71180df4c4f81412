import net from 'node:net';

/**
 * A plain SMTP client that says one command at a time and reads each whole reply, so a test
 * sees exactly what a server answers (codes, texts, the EHLO keywords), even to a message it
 * refuses.
 */
export interface SmtpDialog {
  /** The greeting. */
  greeting: string;
  /** Sends a line (CRLF added) and reads the reply (all its lines). */
  say(line: string): Promise<string>;
  /** Sends a message's bytes after DATA's 354, dot-stuffed, then `.`, and reads the reply. */
  data(raw: Buffer | string): Promise<string>;
  /** Whether the server has closed the connection. */
  closed(): boolean;
  close(): void;
}

export async function openSmtpDialog(port: number, host = '127.0.0.1'): Promise<SmtpDialog> {
  const socket = net.connect(port, host);
  let buffer = '';
  let ended = false;
  let waiting: ((reply: string) => void) | null = null;
  const tryReply = () => {
    if (!waiting) return;
    // A reply ends with a line `NNN text` (a space after the code, not a dash).
    const lines = buffer.split('\r\n');
    for (let i = 0; i < lines.length - 1; i++) {
      if (/^\d{3}(?: |$)/.test(lines[i] ?? '')) {
        const reply = lines.slice(0, i + 1).join('\n');
        buffer = lines.slice(i + 1).join('\r\n');
        const resolve = waiting;
        waiting = null;
        resolve(reply);
        return;
      }
    }
    if (ended) {
      const resolve = waiting;
      waiting = null;
      resolve(buffer || '(closed)');
    }
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    tryReply();
  });
  socket.on('close', () => {
    ended = true;
    tryReply();
  });
  socket.on('error', () => {});
  const read = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply; so far: ${buffer}`)), 20_000);
      waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      tryReply();
    });
  const greeting = await read();
  return {
    greeting,
    say(line) {
      const reply = read();
      socket.write(`${line}\r\n`);
      return reply;
    },
    data(raw) {
      const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
      const body = text
        .replace(/\r?\n/g, '\r\n')
        .split('\r\n')
        .map((line) => (line.startsWith('.') ? `.${line}` : line))
        .join('\r\n');
      const reply = read();
      socket.write(`${body.endsWith('\r\n') ? body : `${body}\r\n`}.\r\n`, 'latin1');
      return reply;
    },
    closed: () => ended,
    close: () => socket.destroy(),
  };
}
