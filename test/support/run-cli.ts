import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bulletin …` as a user would, in a child process with the given environment (and
 * working directory: the test runner's unless given).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  input?: string,
  options: { cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000, cwd: options.cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Starts a long-running `bulletin` command; resolves once it says it is running. */
export async function startBulletin(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<{ child: ChildProcess; output: () => string; webUrl: string | null }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (!output.includes('Bulletin is running')) {
    if (child.exitCode !== null) throw new Error(`bulletin ${args.join(' ')} exited: ${output}`);
    if (Date.now() > deadline)
      throw new Error(`bulletin ${args.join(' ')} did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const web = /web:\s+(http:\/\/\S+)/.exec(output);
  return { child, output: () => output, webUrl: web?.[1] ?? null };
}

/** Sends a signal and waits for the exit status (null for a child a signal ended). */
export function stopBulletin(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  return new Promise((resolve) => {
    // A child already ended by a signal has no exit code, and will emit no 'exit' again.
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
