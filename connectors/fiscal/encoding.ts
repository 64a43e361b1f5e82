// Text encodings of a printer interface: Windows-1250 and CP852 through iconv-lite, Mazovia our own.
import iconv from 'iconv-lite';
import { decodeMazovia, encodeMazovia } from './mazovia.ts';

export type PrinterEncoding = 'windows-1250' | 'cp852' | 'mazovia';
export const PRINTER_ENCODINGS: readonly PrinterEncoding[] = ['windows-1250', 'cp852', 'mazovia'];

export interface TextCodec {
  encode(text: string): Buffer;
  decode(bytes: Uint8Array): string;
}

export function textCodec(encoding: PrinterEncoding): TextCodec {
  if (encoding === 'mazovia') return { encode: encodeMazovia, decode: decodeMazovia };
  return { encode: (t) => iconv.encode(t, encoding), decode: (b) => iconv.decode(Buffer.from(b), encoding) };
}
