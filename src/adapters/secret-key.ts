import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDirectory, PRIVATE_FILE_MODE } from './private-files.js';

/**
 * The key that signs personal links: SECRET_KEY when set, else `$VAR_DIR/secret.key`, made
 * once with 32 random bytes (mode 600, in a directory of mode 700) and read back on every later
 * start.
 */
export function loadSecretKey(configured: string | null, varDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = path.join(varDir, 'secret.key');
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makePrivateDirectory(varDir);
  const key = randomBytes(32);
  try {
    // `wx` fails if another process made the file first; then theirs is the key.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    fs.chmodSync(file, PRIVATE_FILE_MODE);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }
}
