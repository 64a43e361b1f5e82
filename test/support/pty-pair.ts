// A pseudo-terminal pair made by socat, as the serial-port emulators (GSM modem, fiscal printers) use
// it: the device end opened here with serialport, the host end's path handed to the code under test
// as if it were /dev/ttyUSB0.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';

export function socatPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Links `devicePath` and `hostPath` to a new pty pair and opens the device end (115,200 baud, raw). */
export async function openPtyPair(devicePath: string, hostPath: string, onData: (chunk: Buffer) => void): Promise<{ readonly socat: ChildProcess; readonly port: SerialPort }> {
  const socat = spawn(socatPath() ?? 'socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' });
  const started = Date.now();
  while (!(existsSync(devicePath) && existsSync(hostPath))) {
    if (Date.now() - started > 5000) {
      socat.kill();
      throw new Error('socat did not create the pty pair');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const port = new SerialPort({ path: devicePath, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('data', onData);
  port.on('error', () => undefined);
  return { socat, port };
}

/** Closes the device end and stops socat (the pty pair disappears, as a USB device does when pulled). */
export async function closePtyPair(port: SerialPort | null, socat: ChildProcess | null): Promise<void> {
  if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  if (socat && socat.exitCode === null) {
    const exited = new Promise((r) => socat.once('exit', r));
    socat.kill('SIGTERM');
    await exited;
  }
}
