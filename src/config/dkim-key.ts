import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SettingsError, shownValue } from './settings-error.js';

/** What DKIM signing needs; `privateKey` is always the PEM text. */
export interface DkimSetting {
  domain: string;
  selector: string;
  privateKey: string;
}

/** DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY: all three, or none (signing off). */
export function parseDkim(
  read: (name: string) => string | undefined,
  cwd: string,
): DkimSetting | null {
  const names = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const;
  const values = names.map(read);
  if (values.every((v) => v === undefined)) return null;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    throw new SettingsError(
      missing[0] as string,
      `DKIM signing needs ${names.join(', ')} together; this one is missing`,
    );
  }
  const [domain, selector, keyText] = values as [string, string, string];
  return { domain, selector, privateKey: readDkimKey(keyText, cwd) };
}

/**
 * The DKIM key as PEM text: the value itself, or the file it names (relative to `cwd`). It is
 * parsed here, so a wrong key stops the start instead of every send.
 */
function readDkimKey(value: string, cwd: string): string {
  const isPem = value.includes('-----BEGIN');
  let pem = value.replace(/\\n/g, '\n');
  if (!isPem) {
    // Key material pasted without its PEM lines must not be echoed: a path is shown only when
    // it looks like one.
    const looksLikePath = /^[^\s]{1,255}\.(pem|key)$/i.test(value);
    const file = path.resolve(cwd, value);
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new SettingsError(
        'DKIM_PRIVATE_KEY',
        looksLikePath
          ? `cannot read the key file ${JSON.stringify(file)} (${code})`
          : `must be PEM text (-----BEGIN PRIVATE KEY-----…) or the path of a .pem file${shownValue('DKIM_PRIVATE_KEY', value)}`,
      );
    }
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw new SettingsError(
      'DKIM_PRIVATE_KEY',
      isPem
        ? 'is not a readable PEM private key'
        : `the file ${JSON.stringify(value)} holds no readable PEM private key`,
    );
  }
  return pem;
}
