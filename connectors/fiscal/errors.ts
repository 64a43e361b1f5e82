// Fiscal printer failures as typed values: a stable code the app words in pl/en/ro (wording.ts),
// whether trying again can help, and the printer's own error number for the log. POSNET numbers
// come from the vendor spec (frame errors 1–14 in `ERR` replies, command errors as `?nnnn`);
// Thermal numbers from the `#Z` error reply.

export type FiscalErrorReason =
  | 'unknownCommand'
  | 'missingField'
  | 'conversion'
  | 'badChecksum'
  | 'bufferFull'
  | 'tokenNotFound'
  | 'zeroDailyReport'
  | 'dailyReportMissing'
  | 'badVatField'
  | 'notInTransaction'
  | 'totalMismatch'
  | 'alreadyInTransaction'
  | 'productRateLocked'
  | 'badParameter'
  | 'badLineField'
  | 'transactionBlocked'
  | 'notAllowedInTransaction'
  | 'paperOut'
  | 'coverOpen'
  | 'powerLoss'
  | 'printerBusy'
  | 'printerError'
  | 'timeout'
  | 'linkClosed'
  | 'linkUnavailable'
  | 'vatRateMissing'
  | 'vatSlotsMismatch'
  | 'invalidReceipt'
  | 'paymentShort'
  | 'unsupported'
  | 'unknownPrinter'
  | 'notLeader';

export type FiscalErrorSource = 'posnet' | 'posnet-frame' | 'thermal' | 'link' | 'tessera';

export interface FiscalErrorInfo {
  /** `fiscal.error.<reason>`: the wording key. */
  code: `fiscal.error.${FiscalErrorReason}`;
  reason: FiscalErrorReason;
  /** Whether doing the same again later can succeed (paper loaded, link back). */
  retry: boolean;
  source: FiscalErrorSource;
  /** The printer's error number, when it gave one. */
  printerCode: number | null;
  detail?: string;
}

export class FiscalError extends Error {
  readonly info: FiscalErrorInfo;
  constructor(info: FiscalErrorInfo) {
    super(`${info.code}${info.printerCode !== null ? ` (${info.source} ${info.printerCode})` : ''}${info.detail ? `: ${info.detail}` : ''}`);
    this.name = 'FiscalError';
    this.info = info;
  }
  get code(): string {
    return this.info.code;
  }
  get retry(): boolean {
    return this.info.retry;
  }
}

export function fiscalError(reason: FiscalErrorReason, retry: boolean, source: FiscalErrorSource, printerCode: number | null = null, detail?: string): FiscalError {
  return new FiscalError({ code: `fiscal.error.${reason}`, reason, retry, source, printerCode, ...(detail ? { detail } : {}) });
}

// Frame errors (`ERR` reply): the frame was not executed, so resending it is safe when retryable.
const POSNET_FRAME: Record<number, [FiscalErrorReason, boolean]> = {
  1: ['unknownCommand', false],
  2: ['missingField', false],
  3: ['conversion', false],
  5: ['badChecksum', true],
  11: ['bufferFull', true],
  13: ['tokenNotFound', false],
  14: ['bufferFull', true],
};

// Command errors (`?nnnn`): the command ran and the printer refused it.
const POSNET_COMMAND: Record<number, [FiscalErrorReason, boolean]> = {
  382: ['zeroDailyReport', false],
  // Sales of an earlier day are still in the totals: the receipt waits for the daily report.
  383: ['dailyReportMissing', true],
  2000: ['badVatField', false],
  2005: ['notInTransaction', false],
  2008: ['totalMismatch', false],
  2038: ['alreadyInTransaction', false],
  2106: ['productRateLocked', false],
};

export function posnetFrameError(code: number, detail?: string): FiscalError {
  const known = POSNET_FRAME[code];
  return known ? fiscalError(known[0], known[1], 'posnet-frame', code, detail) : fiscalError('printerError', false, 'posnet-frame', code, detail);
}

export function posnetCommandError(code: number, detail?: string): FiscalError {
  const known = POSNET_COMMAND[code];
  return known ? fiscalError(known[0], known[1], 'posnet', code, detail) : fiscalError('printerError', false, 'posnet', code, detail);
}

const THERMAL: Record<number, [FiscalErrorReason, boolean]> = {
  2: ['badChecksum', true],
  4: ['badParameter', false],
  16: ['badLineField', false],
  17: ['badLineField', false],
  18: ['badVatField', false],
  19: ['badLineField', false],
  20: ['badLineField', false],
  27: ['totalMismatch', false],
  40: ['transactionBlocked', false],
  95: ['notAllowedInTransaction', false],
};

export function thermalError(code: number, detail?: string): FiscalError {
  const known = THERMAL[code];
  return known ? fiscalError(known[0], known[1], 'thermal', code, detail) : fiscalError('printerError', false, 'thermal', code, detail);
}

/** Whether an error means the link (not the printer) failed: reconnect and reconcile. */
export function isLinkFailure(error: unknown): boolean {
  return error instanceof FiscalError && (error.info.reason === 'linkClosed' || error.info.reason === 'timeout' || error.info.reason === 'linkUnavailable');
}
