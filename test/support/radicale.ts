// A real Radicale CalDAV server for one test file: own config and storage in a temp dir, plain
// htpasswd users, 127.0.0.1 at a free port (recipe and gotchas: shared reference mail-calendar.md §3).
// Spawned from Node so it is reaped (gotcha 10); run by Debian's /usr/bin/radicale (gotcha 9).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './dovecot.ts';

export const RADICALE_BINARY = process.env.TESSERA_RADICALE ?? '/usr/bin/radicale';

/** Why the Radicale suites cannot run here, or null when they can. */
export function radicaleMissing(): string | null {
  return existsSync(RADICALE_BINARY) ? null : `Radicale not installed (${RADICALE_BINARY} absent; Debian package radicale, which .ci/run installs): CalDAV integration tests skipped`;
}

export interface RadicaleUser {
  readonly user: string;
  readonly password: string;
}

export interface Radicale {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly users: readonly RadicaleUser[];
  /** A new calendar collection of the user (MKCALENDAR with VEVENT and VTODO); its URL. */
  makeCalendar(user: RadicaleUser, name: string): Promise<string>;
  /** Basic authorization header of the user. */
  authorization(user: RadicaleUser): string;
  stop(): Promise<void>;
}

async function ready(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url, { method: 'OPTIONS' });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Radicale did not answer at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startRadicale(
  users: readonly RadicaleUser[] = [
    { user: 'alice', password: 'alicepw' },
    { user: 'bob', password: 'bobpw' },
  ],
): Promise<Radicale> {
  const missing = radicaleMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-radicale-'));
  const port = await freePort();
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.user}:${u.password}`).join('\n') + '\n');
  const config = join(dir, 'config');
  writeFileSync(
    config,
    `[server]
hosts = 127.0.0.1:${port}
[auth]
type = htpasswd
htpasswd_filename = ${dir}/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = ${dir}/collections
[web]
type = none
[logging]
level = warning
`,
  );
  const child: ChildProcess = spawn(RADICALE_BINARY, ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await Promise.race([
      ready(url, Date.now() + 15_000),
      exited.then(() => {
        throw new Error(`Radicale exited: ${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const authorization = (u: RadicaleUser) => `Basic ${Buffer.from(`${u.user}:${u.password}`).toString('base64')}`;
  return {
    url,
    port,
    dir,
    users,
    authorization,
    async makeCalendar(user, name) {
      const calendarUrl = `${url}${user.user}/${name}/`;
      const res = await fetch(calendarUrl, {
        method: 'MKCALENDAR',
        headers: { authorization: authorization(user), 'content-type': 'application/xml; charset=utf-8' },
        body: `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>${name}</D:displayname>
<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`,
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`MKCALENDAR ${calendarUrl}: ${res.status}`);
      return calendarUrl;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
