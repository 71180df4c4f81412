/** Starts bench/smtp-sink.ts as a child process and asks it for its counts. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export interface SinkCounts {
  messages: number;
  recipients: number;
  distinctRecipients: number;
  bytes: number;
  connections: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface SmtpSink {
  port: number;
  pid: number;
  /** The counts now. */
  stats(): Promise<SinkCounts>;
  reset(): Promise<SinkCounts>;
  /** Ends the sink and returns its last counts. */
  stop(): Promise<SinkCounts>;
}

const SINK_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-sink.ts');

export async function startSmtpSink(): Promise<SmtpSink> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', SINK_SCRIPT, '--port', '0', '--exit-with-stdin'],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  type Waiter = { resolve: (line: Record<string, unknown>) => void; reject: (e: Error) => void };
  const waiting: Waiter[] = [];
  let exited: Record<string, unknown> | null = null;
  let gone = false;
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (line.event === 'exit') exited = line;
    waiting.shift()?.resolve(line);
  });
  child.on('exit', (code) => {
    gone = true;
    for (const waiter of waiting.splice(0)) {
      if (exited) waiter.resolve(exited);
      else waiter.reject(new Error(`the SMTP sink exited (${code})`));
    }
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (gone) {
        if (exited) resolve(exited);
        else reject(new Error('the SMTP sink is not running'));
        return;
      }
      waiting.push({ resolve, reject });
    });
  const listening = await next();
  if (listening.event !== 'listening') throw new Error('the SMTP sink did not start');
  const ask = async (command: string): Promise<SinkCounts> => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return toCounts(await answer);
  };
  return {
    port: listening.port as number,
    pid: child.pid as number,
    stats: () => ask('stats'),
    reset: () => ask('reset'),
    async stop() {
      if (exited) return toCounts(exited);
      const answer = next();
      child.stdin.end();
      return toCounts(await answer);
    },
  };
}

function toCounts(line: Record<string, unknown>): SinkCounts {
  return {
    messages: Number(line.messages),
    recipients: Number(line.recipients),
    distinctRecipients: Number(line.distinctRecipients),
    bytes: Number(line.bytes),
    connections: Number(line.connections),
    firstAt: (line.firstAt as number | null) ?? null,
    lastAt: (line.lastAt as number | null) ?? null,
  };
}
