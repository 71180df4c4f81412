/**
 * Waits for a command's work, and speaks when it can never end. Node runs until nothing is
 * left to wait for; a promise still pending then can never settle (nothing remains that could
 * settle it: a stream event already missed, a callback never called). Node then ends the
 * process with status 13 and, for a top-level await, not a word. This says which command
 * stopped and that it is a bug, and exits 1 like any other failure.
 */
export async function untilSettled<T>(work: Promise<T>, command: string): Promise<T> {
  let settled = false;
  // 'beforeExit' comes only when the event loop has emptied (never after process.exit), so
  // a command that is merely slow, or waiting on a socket or a timer, is never reported.
  const onEmptyLoop = () => {
    if (settled) return;
    process.stderr.write(
      `bulletin: ${command} stopped before it finished (it was left waiting for something that can no longer happen); this is a bug in Bulletin, please report it with the command line\n`,
    );
    process.exit(1);
  };
  process.on('beforeExit', onEmptyLoop);
  try {
    return await work;
  } finally {
    settled = true;
    process.off('beforeExit', onEmptyLoop);
  }
}

/** `bulletin topics import`: the command a command line names, without its arguments. */
export function commandOf(argv: readonly string[]): string {
  const words = argv.slice(2).filter((word) => !word.startsWith('-'));
  return ['bulletin', ...words.slice(0, 2)].join(' ');
}
