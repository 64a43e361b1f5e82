// The byte link to a modem. The driver talks to this small interface; `openSerialLink` is the real
// one over `serialport` (a USB modem's /dev/ttyUSB*, or a pty in the tests).
import { SerialPort } from 'serialport';

export interface ModemLink {
  write(data: string): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: string) => void): void;
  /** Fires once when the link goes away, by `close()` or because the device vanished. */
  onClose(listener: (error: Error | null) => void): void;
}

export type OpenLink = (path: string, baudRate: number) => Promise<ModemLink>;

export const openSerialLink: OpenLink = (path, baudRate) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) => {
      if (error) return reject(error);
      let closed = false;
      const closeListeners: ((error: Error | null) => void)[] = [];
      const fire = (err: Error | null): void => {
        if (closed) return;
        closed = true;
        for (const l of closeListeners) l(err);
      };
      // A replug shows as a read error (EIO) followed by close; either means the link is gone.
      port.on('close', (err: Error | null) => fire(err ?? null));
      port.on('error', (err: Error) => {
        fire(err);
        if (port.isOpen) port.close(() => undefined);
      });
      resolve({
        write: (data) =>
          new Promise((res, rej) => {
            port.write(Buffer.from(data, 'latin1'), (err) => (err ? rej(err) : port.drain((e) => (e ? rej(e) : res()))));
          }),
        close: () => new Promise((res) => (port.isOpen ? port.close(() => res()) : res())),
        onData: (listener) => port.on('data', (chunk: Buffer) => listener(chunk.toString('latin1'))),
        onClose: (listener) => closeListeners.push(listener),
      });
    });
  });
