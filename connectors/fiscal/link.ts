// The byte link to a printer: serial (`serialport`: /dev/ttyS*, /dev/ttyUSB*, or a pty in tests)
// or TCP (POSNET printers with Ethernet). The drivers talk to this interface only, so transport
// I/O stays here at the edge.
import { Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { fiscalError } from './errors.ts';

export interface ByteLink {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Fires once when the link goes away, by `close()` or because the device or peer vanished. */
  onClose(listener: (error: Error | null) => void): void;
}

export type PrinterTransport =
  | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number; readonly parity?: 'none' | 'even' }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export type OpenLink = (transport: PrinterTransport) => Promise<ByteLink>;

export function describeTransport(t: PrinterTransport): string {
  return t.kind === 'serial' ? `${t.path} @ ${t.baudRate}` : `${t.host}:${t.port}`;
}

function closeFan(): { fire(error: Error | null): void; add(l: (error: Error | null) => void): void } {
  let closed = false;
  const listeners: ((error: Error | null) => void)[] = [];
  return {
    fire(error) {
      if (closed) return;
      closed = true;
      for (const l of listeners) l(error);
    },
    add: (l) => listeners.push(l),
  };
}

export function openSerial(path: string, baudRate: number, parity: 'none' | 'even' = 'none'): Promise<ByteLink> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, parity, dataBits: 8, stopBits: 1, autoOpen: false });
    port.open((error) => {
      if (error) return reject(fiscalError('linkUnavailable', true, 'link', null, `${path}: ${error.message}`));
      const fan = closeFan();
      port.on('close', (err: Error | null) => fan.fire(err ?? null));
      port.on('error', (err: Error) => {
        fan.fire(err);
        if (port.isOpen) port.close(() => undefined);
      });
      resolve({
        write: (data) => new Promise((res, rej) => port.write(Buffer.from(data), (err) => (err ? rej(err) : port.drain((e) => (e ? rej(e) : res()))))),
        close: () => new Promise((res) => (port.isOpen ? port.close(() => res()) : res())),
        onData: (listener) => port.on('data', listener),
        onClose: fan.add,
      });
    });
  });
}

export function openTcp(host: string, port: number, connectTimeoutMs = 5000): Promise<ByteLink> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    const fan = closeFan();
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(fiscalError('linkUnavailable', true, 'link', null, `${host}:${port}: ${error.message}`));
    });
    socket.connect(port, host, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', (err) => fan.fire(err));
      socket.on('close', () => fan.fire(null));
      resolve({
        write: (data) => new Promise((res, rej) => socket.write(data, (err) => (err ? rej(err) : res()))),
        close: () =>
          new Promise((res) => {
            if (socket.destroyed) return res();
            socket.once('close', () => res());
            socket.end();
            setTimeout(() => socket.destroy(), 500).unref();
          }),
        onData: (listener) => socket.on('data', listener),
        onClose: fan.add,
      });
    });
  });
}

export const openLink: OpenLink = (t) => (t.kind === 'serial' ? openSerial(t.path, t.baudRate, t.parity) : openTcp(t.host, t.port));
