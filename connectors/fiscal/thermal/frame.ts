// The Thermal protocol (old POSNET, classic Novitus): `ESC P`, numeric parameters joined by ';', a
// two-character command (`$h`, `$l`, `#s`…), the text fields, a two-hex-digit XOR checksum `cc`,
// `ESC \`. The checksum starts at 0xFF and XORs every byte after `ESC P` up to the checksum.
// Replies are `ESC P … ESC \` without a checksum; the automatic error reply is `<n>#Z`.
// The single-byte status requests DLE and ENQ are answered with one byte (thermal/status.ts).
export const ESC = 0x1b;
export const DLE = 0x10;
export const ENQ = 0x05;
export const CAN = 0x18;

export function thermalChecksum(bytes: Uint8Array): number {
  let cc = 0xff;
  for (const b of bytes) cc ^= b;
  return cc;
}

export function checksumHex(bytes: Uint8Array): string {
  return thermalChecksum(bytes).toString(16).toUpperCase().padStart(2, '0');
}

export interface ThermalCommand {
  readonly params: readonly number[];
  /** Two characters: `$h`, `#s`… */
  readonly command: string;
  /** Already encoded text fields (Mazovia), with their CR and '/' separators. */
  readonly data?: Uint8Array;
}

/** The bytes between `ESC P` and the checksum. */
export function thermalBody(cmd: ThermalCommand): Buffer {
  if (!/^[#$][a-zA-Z]$/.test(cmd.command)) throw new Error(`bad Thermal command ${JSON.stringify(cmd.command)}`);
  for (const p of cmd.params) if (!Number.isInteger(p) || p < 0) throw new Error(`bad Thermal parameter ${p}`);
  return Buffer.concat([Buffer.from(`${cmd.params.join(';')}${cmd.command}`, 'latin1'), cmd.data ?? Buffer.alloc(0)]);
}

export function encodeThermal(cmd: ThermalCommand): Buffer {
  const body = thermalBody(cmd);
  return Buffer.concat([Buffer.of(ESC, 0x50), body, Buffer.from(checksumHex(body), 'latin1'), Buffer.of(ESC, 0x5c)]);
}

export type ThermalFrame = { readonly kind: 'frame'; readonly body: Buffer } | { readonly kind: 'byte'; readonly value: number };

/**
 * Cuts `ESC P … ESC \` sequences out of a byte stream; a byte outside a sequence is a status byte
 * (the answer to DLE or ENQ). Used by both ends: the driver reads replies, the emulator commands.
 */
export class ThermalDeframer {
  private buffer: Buffer = Buffer.alloc(0);

  feed(chunk: Uint8Array): ThermalFrame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: ThermalFrame[] = [];
    while (this.buffer.length > 0) {
      if (this.buffer[0] !== ESC) {
        out.push({ kind: 'byte', value: this.buffer[0]! });
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.buffer.length < 2) break;
      if (this.buffer[1] !== 0x50) {
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      let end = -1;
      for (let i = 2; i + 1 < this.buffer.length; i++) {
        if (this.buffer[i] === ESC && this.buffer[i + 1] === 0x5c) {
          end = i;
          break;
        }
      }
      if (end < 0) break;
      out.push({ kind: 'frame', body: Buffer.from(this.buffer.subarray(2, end)) });
      this.buffer = this.buffer.subarray(end + 2);
    }
    return out;
  }
}

/** Splits a received command body into parameters, command, data and whether the checksum is right. */
export function parseThermalCommand(body: Buffer): { params: number[]; command: string; data: Buffer; checksumOk: boolean } | null {
  const m = /^([0-9;]*)([#$][a-zA-Z])/.exec(body.toString('latin1'));
  if (!m) return null;
  const head = m[0].length;
  if (body.length < head + 2) return null;
  const data = body.subarray(head, body.length - 2);
  const cc = body.subarray(body.length - 2).toString('latin1');
  const params = m[1] === '' ? [] : m[1]!.split(';').map(Number);
  return { params, command: m[2]!, data: Buffer.from(data), checksumOk: cc === checksumHex(body.subarray(0, body.length - 2)) };
}

/** Money as Thermal writes it: decimal point, two places. */
export function thermalAmount(grosze: number): string {
  return `${Math.floor(grosze / 100)}.${String(grosze % 100).padStart(2, '0')}`;
}

/** Parses `12.34` into grosze. */
export function parseThermalAmount(text: string): number | null {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(text.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0')) : null;
}
