// `npm run dev -- <command>`: the CLI on the TypeScript sources through tsx, no build needed.
// Production and the tests run the build (`bin/bulletin.js`).
import { runCli } from '../src/cli/main.js';

process.exitCode = await runCli(process.argv);
