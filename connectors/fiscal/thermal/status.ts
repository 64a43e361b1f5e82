// The one-byte status answers of the Thermal protocol. DLE → ONL bit 2, PE (paper end) bit 1,
// ERR bit 0; ENQ → FSK (fiscal mode) bit 3, CMD bit 2, PAR (transaction open) bit 1, TRF (last
// transaction completed) bit 0. Only these bits are read (other bits are not documented alike
// everywhere). CMD's polarity differs between sources: it is not used (`#n` and `#Z` are).
export interface DleStatus {
  readonly online: boolean;
  readonly paperOut: boolean;
  readonly error: boolean;
}

export interface EnqStatus {
  readonly fiscal: boolean;
  readonly command: boolean;
  readonly inTransaction: boolean;
  readonly lastTransactionOk: boolean;
}

export function decodeDle(byte: number): DleStatus {
  return { online: (byte & 4) !== 0, paperOut: (byte & 2) !== 0, error: (byte & 1) !== 0 };
}

export function decodeEnq(byte: number): EnqStatus {
  return { fiscal: (byte & 8) !== 0, command: (byte & 4) !== 0, inTransaction: (byte & 2) !== 0, lastTransactionOk: (byte & 1) !== 0 };
}

export function encodeDle(s: DleStatus): number {
  return (s.online ? 4 : 0) | (s.paperOut ? 2 : 0) | (s.error ? 1 : 0);
}

export function encodeEnq(s: EnqStatus): number {
  return (s.fiscal ? 8 : 0) | (s.command ? 4 : 0) | (s.inTransaction ? 2 : 0) | (s.lastTransactionOk ? 1 : 0);
}
