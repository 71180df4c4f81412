import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import path from 'node:path';

/*
 * What Bulletin keeps on disk holds personal data and secrets: the SQLite database, the key
 * that signs personal links, the outbox's `.eml` files (each with a reader's address and
 * personal links), the private Redis's data. Only their owner may read them: directories
 * 0700, files 0600. Modes given to mkdir and open are cut by the process's umask, so each
 * new file or directory is also chmod-ed: the result is the same whatever the umask.
 */

/** rwx for the owner alone. */
export const PRIVATE_DIRECTORY_MODE = 0o700;
/** rw for the owner alone. */
export const PRIVATE_FILE_MODE = 0o600;

/** Group and others: the bits a private file or directory has none of. */
const SHARED_BITS = 0o077;

/**
 * Makes `dir` (and missing parents) readable by its owner only. A directory that was already
 * there is left as it is: it may be the operator's (`/srv/data`), not Bulletin's.
 */
export function makePrivateDirectory(dir: string): void {
  const firstMade = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (firstMade !== undefined) chmodMade(firstMade, dir, fs.chmodSync);
}

/** {@link makePrivateDirectory}, without blocking the thread. */
export async function makePrivateDirectoryAsync(dir: string): Promise<void> {
  const firstMade = await fsPromises.mkdir(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (firstMade !== undefined) {
    const made: string[] = [];
    chmodMade(firstMade, dir, (each) => made.push(each));
    for (const each of made) await fsPromises.chmod(each, PRIVATE_DIRECTORY_MODE);
  }
}

/** Each directory from the first one mkdir made down to `dir`. */
function chmodMade(firstMade: string, dir: string, chmod: (dir: string, mode: number) => void) {
  const below = path.relative(firstMade, dir).split(path.sep).filter(Boolean);
  let current = firstMade;
  chmod(current, PRIVATE_DIRECTORY_MODE);
  for (const part of below) {
    current = path.join(current, part);
    chmod(current, PRIVATE_DIRECTORY_MODE);
  }
}

/**
 * Takes group's and others' access off what an older version (or another umask) left open:
 * VAR_DIR itself, unless it sits at the top of the file system (`/var`, `/tmp`: a system's
 * directory, which `VAR_DIR` unset from `/` resolves to), and Bulletin's own entries in it
 * (`secret.key`, `outbox/`, `redis/`) and the SQLite files. A directory found open has
 * everything in it tightened too; one already private is not walked, so a start with an
 * outbox of 100,000 messages costs a few `stat`s. Only the owner's bits are kept: nothing is
 * loosened.
 */
export function tightenPrivateFiles(varDir: string, sqliteFile: string | null): void {
  if (path.dirname(varDir) !== path.parse(varDir).root) tighten(varDir, false);
  for (const entry of ['secret.key', 'outbox', 'redis']) tighten(path.join(varDir, entry), true);
  if (sqliteFile !== null)
    for (const suffix of ['', '-wal', '-shm', '-journal']) tighten(`${sqliteFile}${suffix}`, true);
}

/** `walk`: a directory found open has what is in it tightened as well. */
function tighten(entry: string, walk: boolean): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(entry);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Sockets (the private Redis's) and links are left as they are.
  if (!stat.isFile() && !stat.isDirectory()) return;
  if ((stat.mode & SHARED_BITS) === 0) return;
  fs.chmodSync(entry, stat.mode & 0o700);
  if (walk && stat.isDirectory())
    for (const name of fs.readdirSync(entry)) tighten(path.join(entry, name), true);
}
