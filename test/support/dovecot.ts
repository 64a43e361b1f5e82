// A real Dovecot IMAP server for one test file: own config in a temp dir, passwd-file users, maildir,
// plaintext auth on 127.0.0.1 at a free port, no SSL (recipe and gotchas: shared reference
// mail-calendar.md). As root the login and internal processes run as Debian's dovenull/dovecot users
// (imap-login refuses root); otherwise everything runs as the current user.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export const DOVECOT_BINARY = process.env.TESSERA_DOVECOT ?? '/usr/sbin/dovecot';

/** Why the Dovecot suites cannot run here, or null when they can. Printed by the suites that skip. */
export function dovecotMissing(): string | null {
  return existsSync(DOVECOT_BINARY)
    ? null
    : `Dovecot not installed (${DOVECOT_BINARY} absent; Debian package dovecot-imapd, which .ci/run installs): IMAP integration tests skipped`;
}

export interface DovecotUser {
  readonly user: string;
  readonly password: string;
}

export interface Dovecot {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly users: readonly DovecotUser[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}

/** Waits for the `* OK` greeting: the port opens before imap-login can serve (gotcha 1). */
async function greeting(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(1000, () => done(false));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n')) done(data.startsWith('* OK'));
      });
      socket.on('error', () => done(false));
      socket.on('close', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not greet on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startDovecot(
  users: readonly DovecotUser[] = [
    { user: 'alice', password: 'alicepw' },
    { user: 'bob', password: 'bobpw' },
  ],
): Promise<Dovecot> {
  const missing = dovecotMissing();
  if (missing) throw new Error(missing);
  // Under /tmp: every directory above must be traversable by the mail user.
  const dir = mkdtempSync('/tmp/tessera-dovecot-');
  chmodSync(dir, 0o755);
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const mailUid = root ? idOf('-u', 'dovecot') : me.uid;
  const mailGid = root ? idOf('-g', 'dovecot') : me.gid;
  const internalUser = root ? 'dovecot' : me.username;
  const internalGroup = root ? 'dovecot' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  const loginUser = root ? 'dovenull' : me.username;
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  if (root) await chown(join(dir, 'mail'), mailUid, mailGid);
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}`).join('\n') + '\n');
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = tessera-test-dovecot-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
default_login_user = ${loginUser}
first_valid_uid = ${mailUid}
mail_max_userip_connections = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%n
}
mail_location = maildir:~/Maildir
# Test data: no fsync (a crash of the test machine loses nothing that matters, and appends get 10x faster).
mail_fsync = never
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      greeting(port, Date.now() + 10_000),
      exited.then(() => {
        throw new Error(`Dovecot exited: ${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    users,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
