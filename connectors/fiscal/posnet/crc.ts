// CRC-16/XMODEM (poly 0x1021, init 0, no reflection, xorout 0), the POSNET frame checksum, computed
// over every byte between STX and '#'. Bitwise: frames are short, a table would buy nothing.
export function crc16Xmodem(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The four uppercase hex digits written after '#'. */
export function crcHex(bytes: Uint8Array): string {
  return crc16Xmodem(bytes).toString(16).toUpperCase().padStart(4, '0');
}
