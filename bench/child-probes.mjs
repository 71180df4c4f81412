/**
 * Preloaded into a benchmarked Node process (`node --import …/child-probes.mjs …`). At exit it
 * writes, as JSON, to the file named by BENCH_PROBES_FILE:
 *   - peakRssKb: the peak resident set size (VmHWM of /proc/self/status; Linux only);
 *   - with BENCH_PROBES_TIMING=1, the wall time spent in the database drivers per SQL
 *     statement (better-sqlite3's prepare and run/get/all, pg's client.query until its reply)
 *     and in nodemailer's sendMail (MIME, DKIM, the SMTP exchange).
 * It wraps the drivers' methods and changes nothing else; the packages are resolved from the
 * process's working directory, as the program's own imports are.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const file = process.env.BENCH_PROBES_FILE;
/** sql -> { count, ns, prepareNs } */
const statements = new Map();
const mail = { count: 0, ns: 0n };

function statement(sql) {
  let entry = statements.get(sql);
  if (!entry) {
    entry = { count: 0, ns: 0n, prepareNs: 0n };
    statements.set(sql, entry);
  }
  return entry;
}

if (file && process.env.BENCH_PROBES_TIMING === '1') {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  try {
    const Database = require('better-sqlite3');
    const probe = new Database(':memory:');
    const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
    probe.close();
    for (const name of ['run', 'get', 'all', 'iterate']) {
      const original = Statement[name];
      Statement[name] = function timed(...args) {
        const start = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          const entry = statement(this.source);
          entry.count++;
          entry.ns += process.hrtime.bigint() - start;
        }
      };
    }
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function timedPrepare(source, ...rest) {
      const start = process.hrtime.bigint();
      try {
        return prepare.call(this, source, ...rest);
      } finally {
        statement(source).prepareNs += process.hrtime.bigint() - start;
      }
    };
  } catch {
    // No better-sqlite3 here: nothing to time.
  }
  try {
    const pg = require('pg');
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function timedQuery(config, ...rest) {
      const start = process.hrtime.bigint();
      const result = query.call(this, config, ...rest);
      if (result && typeof result.then === 'function') {
        const entry = statement(typeof config === 'string' ? config : config?.text);
        const done = () => {
          entry.count++;
          entry.ns += process.hrtime.bigint() - start;
        };
        result.then(done, done);
      }
      return result;
    };
  } catch {
    // No pg here.
  }
  try {
    // The ES module build, which the program imports: the same module instance.
    const { default: nodemailer } = await import('nodemailer');
    const Mailer = Object.getPrototypeOf(nodemailer.createTransport({ jsonTransport: true }));
    const sendMail = Mailer.sendMail;
    Mailer.sendMail = function timedSendMail(message, callback) {
      const start = process.hrtime.bigint();
      const result = sendMail.call(this, message, callback);
      if (result && typeof result.then === 'function') {
        const done = () => {
          mail.count++;
          mail.ns += process.hrtime.bigint() - start;
        };
        result.then(done, done);
      }
      return result;
    };
  } catch {
    // No nodemailer here.
  }
}

if (file) {
  process.on('exit', () => {
    let peakRssKb = null;
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (match) peakRssKb = Number(match[1]);
    } catch {
      // No /proc.
    }
    const ms = (ns) => Number(ns) / 1e6;
    fs.writeFileSync(
      file,
      JSON.stringify({
        peakRssKb,
        statements: [...statements].map(([sql, e]) => ({
          sql,
          count: e.count,
          ms: ms(e.ns),
          prepareMs: ms(e.prepareNs),
        })),
        mail: { count: mail.count, ms: ms(mail.ns) },
      }),
    );
  });
}
