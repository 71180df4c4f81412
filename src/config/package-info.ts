import fs from 'node:fs';
import path from 'node:path';

/**
 * Bulletin's own package.json, found by walking up from this file: the same from the
 * sources (`src/config/`) and from the build (`dist/src/config/`), whatever the working
 * directory.
 */
export function readPackageInfo(): { version: string; root: string } {
  let dir = import.meta.dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const info = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (info.name === 'bulletin') return { version: info.version, root: dir };
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('package.json of bulletin not found above ' + import.meta.dirname);
    dir = parent;
  }
}
