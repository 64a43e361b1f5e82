// Where an emulated printer lives: on TCP (127.0.0.1, one client at a time, as a POSNET with
// Ethernet) or on the far end of a socat pseudo-terminal pair (as a serial printer; the driver
// opens `hostPath` with serialport). A host hands bytes to the device and gives it a way to answer
// and to drop the link (cable pulled, power lost) for a while.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { closePtyPair, openPtyPair, socatPath } from './pty-pair.ts';

export interface DeviceIo {
  write(bytes: Buffer): void;
  /** The link goes away for `downMs` (the device keeps its memory unless it says otherwise). */
  drop(downMs: number): void;
}

export interface EmulatedDevice {
  receive(chunk: Buffer): void;
  attach(io: DeviceIo | null): void;
}


export class TcpHost {
  private socket: Socket | null = null;
  private downUntil = 0;
  private readonly server: Server;
  readonly port: number;
  private constructor(server: Server, port: number) {
    this.server = server;
    this.port = port;
  }

  static async start(device: EmulatedDevice, port = 0): Promise<TcpHost> {
    let host: TcpHost | null = null;
    const server = createServer((socket) => {
      // One client at a time, and none while "unplugged".
      if (!host || host.socket || Date.now() < host.downUntil) return void socket.destroy();
      host.socket = socket;
      socket.setNoDelay(true);
      const io: DeviceIo = {
        write: (bytes) => {
          if (host?.socket === socket && !socket.destroyed) socket.write(bytes);
        },
        drop: (downMs) => {
          if (host?.socket !== socket) return;
          host.downUntil = Date.now() + downMs;
          host.socket = null;
          device.attach(null);
          socket.destroy();
        },
      };
      device.attach(io);
      socket.on('data', (chunk) => {
        if (host?.socket === socket) device.receive(chunk);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (host?.socket === socket) {
          host.socket = null;
          device.attach(null);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    host = new TcpHost(server, (server.address() as { port: number }).port);
    return host;
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

export class PtyHost {
  readonly dir: string;
  readonly hostPath: string;
  private readonly devicePath: string;
  private socat: ChildProcess | null = null;
  private port: SerialPort | null = null;
  private stopped = false;

  private readonly device: EmulatedDevice;

  private constructor(device: EmulatedDevice) {
    this.device = device;
    this.dir = mkdtempSync(join(tmpdir(), 'tessera-printer-'));
    this.hostPath = join(this.dir, 'host');
    this.devicePath = join(this.dir, 'device');
  }

  static async start(device: EmulatedDevice): Promise<PtyHost> {
    const host = new PtyHost(device);
    await host.plugIn();
    return host;
  }

  private async plugIn(): Promise<void> {
    const { socat, port } = await openPtyPair(this.devicePath, this.hostPath, (chunk: Buffer) => this.device.receive(chunk));
    this.socat = socat;
    this.port = port;
    this.device.attach({
      write: (bytes) => {
        if (this.port === port && port.isOpen) port.write(bytes);
      },
      drop: (downMs) => {
        if (this.port !== port) return;
        this.device.attach(null);
        void this.unplug().then(async () => {
          await new Promise((r) => setTimeout(r, downMs));
          if (!this.stopped) await this.plugIn();
        });
      },
    });
  }

  private async unplug(): Promise<void> {
    const { port, socat } = this;
    this.port = null;
    this.socat = null;
    await closePtyPair(port, socat);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.device.attach(null);
    await this.unplug();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export { socatPath };
