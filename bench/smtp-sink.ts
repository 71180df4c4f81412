/**
 * An SMTP server that accepts every message, keeps nothing but counts, and says what it got.
 * For benchmarks: run it in its own process, so that receiving mail does not share a CPU
 * thread with the sender being measured.
 *
 *   npx tsx bench/smtp-sink.ts [--port 2525] [--host 127.0.0.1] [--exit-with-stdin]
 *
 * No authentication, no STARTTLS. Writes JSON lines on stdout:
 *   {"event":"listening","host":…,"port":…}           once it listens (port 0 picks a free one)
 *   {"event":"stats",…counts}                          for a `stats` line on stdin, or SIGUSR1
 *   {"event":"exit",…counts}                           at SIGTERM / SIGINT / end of stdin
 * A `reset` line on stdin sets the counts back to zero; with --exit-with-stdin the end of
 * stdin (the parent that started it went away) ends the sink.
 *
 * Counts: messages, distinct recipients (a gap between the two is a double send), bytes,
 * connections, and the wall-clock time of the first and the last message.
 */
import type { Socket } from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import type { SinkCounts } from './smtp-sink-process.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2525' },
    host: { type: 'string', default: '127.0.0.1' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

let messages = 0;
let recipients = 0;
let bytes = 0;
let connections = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
const seen = new Set<string>();

function counts(): SinkCounts {
  return {
    messages,
    recipients,
    distinctRecipients: seen.size,
    bytes,
    connections,
    firstAt,
    lastAt,
  };
}

function reset(): void {
  messages = recipients = bytes = connections = 0;
  firstAt = lastAt = null;
  seen.clear();
}

function say(event: string, fields: object = counts()): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

const sockets = new Set<Socket>();
const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  // A sender's pool opens several connections; none should be refused.
  maxClients: 1000,
  size: 50 * 1024 * 1024,
  onData(stream, session, callback) {
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    stream.on('end', () => {
      const now = Date.now();
      messages++;
      bytes += size;
      for (const rcpt of session.envelope.rcptTo) {
        recipients++;
        seen.add(rcpt.address.toLowerCase());
      }
      firstAt ??= now;
      lastAt = now;
      callback(null, `Queued as S${messages}`);
    });
  },
});
server.on('error', (error) => process.stderr.write(`smtp-sink: ${error.message}\n`));
server.server.on('connection', (socket: Socket) => {
  connections++;
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

let exiting = false;
function exit(): void {
  if (exiting) return;
  exiting = true;
  say('exit');
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', exit);
process.on('SIGINT', exit);
process.on('SIGUSR1', () => say('stats'));

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const command = line.trim();
  if (command === 'stats') say('stats');
  else if (command === 'reset') {
    reset();
    say('stats');
  } else if (command === 'exit') exit();
  else if (command) process.stderr.write(`smtp-sink: unknown command "${command}"\n`);
});
// Started by a parent with a pipe: the parent going away ends the sink too.
if (values['exit-with-stdin']) input.on('close', exit);

server.listen(Number(values.port), values.host, () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : Number(values.port);
  say('listening', { host: values.host, port });
});
