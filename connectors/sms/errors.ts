// SMS failures as typed values: a stable code the app words in pl/en/ro (ui/src/app/messages.ts), whether a
// retry can help, and the provider's own code for the log.

/** Every reason an SMS can fail for; the app words each `sms.error.<reason>` (ui/src/app/messages.ts). */
export const SMS_ERROR_REASONS = [
  'unassignedNumber',
  'barred',
  'rejected',
  'destinationOutOfService',
  'unknownSubscriber',
  'networkOutOfOrder',
  'temporaryFailure',
  'congestion',
  'networkOther',
  'modemFailure',
  'notAllowed',
  'notSupported',
  'badPdu',
  'noSim',
  'pinRequired',
  'pinWrong',
  'pukRequired',
  'memoryFull',
  'invalidIndex',
  'smscUnknown',
  'noNetwork',
  'networkTimeout',
  'unknown',
  'modemTimeout',
  'portClosed',
  'invalidNumber',
  'authentication',
  'insufficientFunds',
  'providerRejected',
  'providerUnavailable',
  'rateLimited',
  'optedOut',
  'duplicate',
] as const;

export type SmsErrorReason = (typeof SMS_ERROR_REASONS)[number];

export interface SmsErrorInfo {
  /** `sms.error.<reason>`: the wording key. */
  code: `sms.error.${SmsErrorReason}`;
  reason: SmsErrorReason;
  /** Whether sending the same message again later can succeed. */
  retry: boolean;
  /** Where the code came from and the code itself, e.g. `cms` 330, `smsapi` 101, `twilio` 21211. */
  source: 'cms' | 'cme' | 'modem' | 'smsapi' | 'twilio' | 'http';
  providerCode: number | null;
  detail?: string;
}

export class SmsError extends Error {
  readonly info: SmsErrorInfo;
  constructor(info: SmsErrorInfo) {
    super(`${info.code}${info.providerCode !== null ? ` (${info.source} ${info.providerCode})` : ''}${info.detail ? `: ${info.detail}` : ''}`);
    this.name = 'SmsError';
    this.info = info;
  }
  get code(): string {
    return this.info.code;
  }
  get retry(): boolean {
    return this.info.retry;
  }
}

export function smsError(reason: SmsErrorReason, retry: boolean, source: SmsErrorInfo['source'], providerCode: number | null = null, detail?: string): SmsError {
  return new SmsError({ code: `sms.error.${reason}`, reason, retry, source, providerCode, ...(detail ? { detail } : {}) });
}

// TS 27.005 §3.2.5 (+CMS ERROR). 1–127 are network causes of TS 24.011 (E-2).
const CMS: Record<number, [SmsErrorReason, boolean]> = {
  1: ['unassignedNumber', false],
  8: ['barred', false],
  10: ['barred', false],
  21: ['rejected', false],
  27: ['destinationOutOfService', true],
  28: ['unknownSubscriber', false],
  30: ['unknownSubscriber', false],
  38: ['networkOutOfOrder', true],
  41: ['temporaryFailure', true],
  42: ['congestion', true],
  47: ['temporaryFailure', true],
  300: ['modemFailure', true],
  301: ['notAllowed', false],
  302: ['notAllowed', false],
  303: ['notSupported', false],
  304: ['badPdu', false],
  305: ['badPdu', false],
  310: ['noSim', false],
  311: ['pinRequired', false],
  312: ['pinRequired', false],
  313: ['noSim', false],
  316: ['pukRequired', false],
  317: ['pinRequired', false],
  318: ['pukRequired', false],
  321: ['invalidIndex', false],
  322: ['memoryFull', false],
  330: ['smscUnknown', false],
  331: ['noNetwork', true],
  332: ['networkTimeout', true],
  500: ['unknown', true],
};

export function cmsError(code: number): SmsError {
  const known = CMS[code];
  if (known) return smsError(known[0], known[1], 'cms', code);
  // Other network causes: permanent as far as we know; 512+ are manufacturer codes, usually the
  // modem's own trouble, so worth another try.
  if (code >= 1 && code <= 127) return smsError('networkOther', false, 'cms', code);
  return smsError('unknown', code >= 512, 'cms', code);
}

// TS 27.007 §9.2 (+CME ERROR), the ones a modem answers while we unlock and register.
const CME: Record<number, [SmsErrorReason, boolean]> = {
  3: ['notAllowed', false],
  4: ['notSupported', false],
  10: ['noSim', false],
  11: ['pinRequired', false],
  12: ['pukRequired', false],
  13: ['noSim', false],
  16: ['pinWrong', false],
  30: ['noNetwork', true],
  31: ['networkTimeout', true],
  100: ['unknown', true],
};

export function cmeError(code: number): SmsError {
  const known = CME[code];
  return known ? smsError(known[0], known[1], 'cme', code) : smsError('unknown', false, 'cme', code);
}
