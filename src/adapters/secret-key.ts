import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The key that signs personal links: SECRET_KEY when set, else `$VAR_DIR/secret.key`, made
 * once with 32 random bytes (mode 600) and read back on every later start.
 */
export function loadSecretKey(configured: string | null, varDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = path.join(varDir, 'secret.key');
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(varDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx` fails if another process made the file first; then theirs is the key.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }
}
