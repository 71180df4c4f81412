#!/usr/bin/env node
// Bulletin's command line: runs the build in dist/ (`npm run build`, which `npm install` runs
// through `prepare`), from any working directory. `npm run dev -- …` runs the TypeScript
// sources instead.
import fs from 'node:fs';

const MAIN = new URL('../dist/src/cli/main.js', import.meta.url);
if (!fs.existsSync(MAIN)) {
  process.stderr.write(
    'bulletin: not built yet (no dist/): run `npm run build` in the project (`npm install` does it too)\n',
  );
  process.exit(1);
}
// React renders mail with its production build unless told otherwise (tests set `test`, and
// keep the development build's warnings).
process.env.NODE_ENV ??= 'production';
// Stack traces (DEBUG=1) point at the TypeScript sources.
process.setSourceMapsEnabled(true);
const { runCli } = await import(MAIN.href);
// A command whose work can never settle is said to be a bug (exit 1), not Node's silent 13.
const { untilSettled, commandOf } = await import(
  new URL('../dist/src/cli/unsettled.js', import.meta.url).href
);
process.exitCode = await untilSettled(runCli(process.argv), commandOf(process.argv));
