import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

/*
 * A private Dovecot IMAP server for one test (Debian's dovecot-imapd, which .ci/run installs):
 * its own configuration, sockets, state and maildir under a temporary directory, on
 * 127.0.0.1 at a free port, one passwd-file user, plaintext login, no TLS. It runs as the
 * current user; as root (CI), Dovecot's own unprivileged users run the login processes and
 * own the mail, as it allows no mail process as root.
 */

export const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot';

export interface StoredMessage {
  uid: number;
  flags: string[];
  raw: Buffer;
}

export interface TestImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `imap://user:password@127.0.0.1:port/FOLDER` for BOUNCE_IMAP_URL. */
  url(folder?: string): string;
  /** A logged-in client; the caller logs it out. */
  connect(): Promise<ImapFlow>;
  /** Puts a message in a folder (IMAP APPEND), unseen unless flags say otherwise. */
  append(folder: string, raw: Buffer | string, flags?: string[]): Promise<void>;
  /** The messages in a folder, by its parts (`['Bulletin', 'Processed']`); [] when it does not exist. */
  messages(folder: string | readonly string[]): Promise<StoredMessage[]>;
  /** Every folder's path as the server names it. */
  folders(): Promise<string[]>;
  /** Dovecot's log so far, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export function dovecotInstalled(): boolean {
  return fs.existsSync(DOVECOT);
}

export async function startImapServer(
  options: {
    user?: string;
    password?: string;
    /** The CAPABILITY list after login, replacing Dovecot's (a server without MOVE). */
    capabilities?: string;
  } = {},
): Promise<TestImapServer> {
  const user = options.user ?? 'bounces';
  const password = options.password ?? 'bounce-box-secret';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-imap-'));
  // The login processes (another user when root) reach the sockets under it.
  fs.chmodSync(dir, 0o755);
  const mail = mailOwner();
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  if (mail.chown) fs.chownSync(home, mail.uid, mail.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`);
  const logFile = path.join(dir, 'dovecot.log');
  let child: ChildProcess | null = null;
  let port = 0;
  // A free port may be taken between asking and listening: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const config = path.join(dir, 'dovecot.conf');
    const extra = options.capabilities ? `imap_capability = ${options.capabilities}\n` : '';
    fs.writeFileSync(config, dovecotConfig({ dir, port, mail, home }) + extra);
    const started = spawn(DOVECOT, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout?.on('data', (chunk) => (output += chunk));
    started.stderr?.on('data', (chunk) => (output += chunk));
    const killOnExit = () => started.kill('SIGKILL');
    process.once('exit', killOnExit);
    started.once('exit', () => process.removeListener('exit', killOnExit));
    if (await greets(port, started)) child = started;
    else {
      started.kill('SIGKILL');
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      if (!/Address already in use/.test(log + output))
        throw new Error(`dovecot did not start: ${output}\n${log}`);
    }
  }
  if (!child) throw new Error('dovecot found no free port');
  const running = child;
  const host = '127.0.0.1';
  const connect = async () => {
    const client = new ImapFlow({
      host,
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  const withClient = async <T>(use: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await use(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
  return {
    host,
    port,
    user,
    password,
    url: (folder = 'INBOX') =>
      `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(folder)}`,
    connect,
    append: (folder, raw, flags = []) =>
      withClient(async (client) => {
        if (!(await client.append(folder, raw, flags)))
          throw new Error(`APPEND to ${folder} failed`);
      }),
    messages: (folder) =>
      withClient(async (client) => {
        const wanted = typeof folder === 'string' ? folder : [...folder];
        const named = await client.list();
        const delimiter = named[0]?.delimiter ?? '.';
        const full = typeof wanted === 'string' ? wanted : wanted.join(delimiter);
        if (!named.some((box) => box.path === full)) return [];
        const lock = await client.getMailboxLock(full, { readOnly: true });
        try {
          const out: StoredMessage[] = [];
          for await (const message of client.fetch('1:*', {
            uid: true,
            flags: true,
            source: true,
          })) {
            out.push({
              uid: message.uid,
              flags: [...(message.flags ?? [])],
              raw: message.source ?? Buffer.alloc(0),
            });
          }
          return out;
        } finally {
          lock.release();
        }
      }),
    folders: () => withClient(async (client) => (await client.list()).map((box) => box.path)),
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface MailOwner {
  /** The user the login and internal processes run as. */
  loginUser: string;
  internalUser: string;
  uid: number;
  gid: number;
  /** Whether the maildir must be given to that user (root runs none of it itself). */
  chown: boolean;
}

function mailOwner(): MailOwner {
  const me = os.userInfo();
  if (me.uid !== 0) {
    return {
      loginUser: me.username,
      internalUser: me.username,
      uid: me.uid,
      gid: me.gid,
      chown: false,
    };
  }
  // Dovecot refuses root for its login processes and for any mail process.
  const owner = systemUser('dovecot');
  const login = systemUser('dovenull') ?? owner;
  if (!owner || !login) throw new Error('running as root needs the dovecot and dovenull users');
  return {
    loginUser: login.name,
    internalUser: owner.name,
    uid: owner.uid,
    gid: owner.gid,
    chown: true,
  };
}

function systemUser(name: string): { name: string; uid: number; gid: number } | null {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

function dovecotConfig(input: {
  dir: string;
  port: number;
  mail: MailOwner;
  home: string;
}): string {
  const { dir, port, mail, home } = input;
  return `# A private Dovecot for one test: nothing here is shared with a system Dovecot.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${mail.internalUser}
default_internal_group = ${groupName(mail.gid) ?? mail.internalUser}
default_login_user = ${mail.loginUser}
first_valid_uid = 1
first_valid_gid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mail.uid} gid=${mail.gid} home=${home}/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

function groupName(gid: number): string | null {
  const line = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((entry) => entry.split(':')[2] === String(gid));
  return line ? (line.split(':')[0] ?? null) : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether Dovecot greets on the port within 15 s (false when it exited first). */
async function greets(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const greeting = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.setTimeout(1000, () => socket.destroy());
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) socket.end();
      });
      socket.on('error', () => resolve(''));
      socket.on('close', () => resolve(text));
    });
    if (greeting.startsWith('* OK')) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
