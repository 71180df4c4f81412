#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx bulletin` works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

// React renders mail with its production build unless told otherwise (tests set `test`, and
// keep the development build's warnings).
process.env.NODE_ENV ??= 'production';
register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv);
