/**
 * The import graph's rules (README, "Layout"): no circle between files, and arrows only point
 * down the layers — edges (cli, http) → services → domain, email, db, adapters. Only the
 * composition root (src/app.ts, src/run-process.ts) wires jobs/, src/http/ and the adapters
 * together. `npm run check:imports` runs it; CI fails on any violation.
 */
const ROOT = '^src/(app|run-process)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop cannot be read or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain is pure logic: no I/O, no other layer of ours; of npm, only time zones (luxon), validation (zod) and HTML to text (html-to-text).',
      from: { path: '^src/domain/' },
      to: {
        pathNot: ['^src/domain/', 'node_modules/(luxon|zod|html-to-text)/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-no-io-modules',
      severity: 'error',
      comment: 'Of Node itself, the domain uses only computation (crypto for signed tokens).',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], pathNot: ['^(node:)?crypto$'] },
    },
    {
      name: 'config-is-a-leaf',
      severity: 'error',
      comment: 'Settings are read first and depend on nothing of ours.',
      from: { path: '^src/config/' },
      to: { path: '^(src|db|jobs|emails)/', pathNot: '^src/config/' },
    },
    {
      name: 'edges-call-services',
      severity: 'error',
      comment: 'The CLI and the web server call services; they touch no repository or queue.',
      from: { path: '^src/(cli|http)/' },
      to: { path: ['^db/', '^jobs/', '^src/adapters/'] },
    },
    {
      name: 'only-the-root-wires-jobs-and-http',
      severity: 'error',
      comment: 'jobs/ and src/http/ are started by the composition root alone.',
      from: { path: '^src/', pathNot: [ROOT, '^src/http/'] },
      to: { path: ['^jobs/', '^src/http/'] },
    },
    {
      name: 'services-below-edges',
      severity: 'error',
      comment: 'Use cases know nothing of who calls them.',
      from: { path: '^src/services/' },
      to: { path: ['^src/(cli|http)/', '^jobs/', ROOT] },
    },
    {
      name: 'email-below-services',
      severity: 'error',
      comment: 'The email module renders content it is given: no rows, no queues, no transport.',
      from: { path: '^src/email/' },
      to: { path: ['^src/(services|cli|http|adapters)/', '^db/', '^jobs/', ROOT] },
    },
    {
      name: 'templates-are-pure',
      severity: 'error',
      comment: 'emails/ are React templates: props in, markup out.',
      from: { path: '^emails/' },
      to: { path: ['^src/(services|cli|http|adapters|email)/', '^db/', '^jobs/', ROOT] },
    },
    {
      name: 'db-below-services',
      severity: 'error',
      comment: 'Repositories map rows to domain types; they call no service or adapter.',
      from: { path: '^db/' },
      to: { path: ['^src/(services|cli|http|email|adapters)/', '^jobs/', ROOT] },
    },
    {
      name: 'adapters-below-services',
      severity: 'error',
      comment: 'Adapters wrap one outside system each and know nothing of the use cases.',
      from: { path: '^src/adapters/' },
      to: { path: ['^src/(services|cli|http|email)/', '^db/', '^jobs/', ROOT] },
    },
    {
      name: 'jobs-below-root',
      severity: 'error',
      comment: 'Processors call services; the web side and the CLI are not theirs to reach.',
      from: { path: '^jobs/' },
      to: { path: ['^src/(cli|http)/', ROOT] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^test/', '^out/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
