// Packing of 7-bit septets into octets (GSM 03.38 §6.1.2.1.1), with a start offset so text can
// follow a user-data header on a septet boundary (the fill bits of 03.40 §9.2.3.24).

/** Packs `septets` into `target`, starting `bitOffset` bits into it. */
export function packSeptets(septets: ArrayLike<number>, target: Uint8Array, bitOffset = 0): void {
  for (let i = 0; i < septets.length; i++) {
    const bit = bitOffset + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    const value = (septets[i]! & 0x7f) << shift;
    target[byte] = (target[byte]! | (value & 0xff)) & 0xff;
    if (shift > 1) target[byte + 1] = (target[byte + 1]! | (value >> 8)) & 0xff;
  }
}

/** Reads `count` septets from `source`, starting `bitOffset` bits into it. */
export function unpackSeptets(source: Uint8Array, count: number, bitOffset = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = (source[byte] ?? 0) | ((source[byte + 1] ?? 0) << 8);
    out.push((word >> shift) & 0x7f);
  }
  return out;
}

/** Octets needed to hold `septets` septets. */
export function septetOctets(septets: number): number {
  return Math.ceil((septets * 7) / 8);
}
