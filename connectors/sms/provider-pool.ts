// One provider per configured account, built from its settings and rebuilt when they change. A
// modem is a port this process holds open (incoming messages and delivery reports arrive on it), so
// it stays open between sends; the HTTP providers are cheap objects.
import { type SmsAccount, accountFingerprint } from './accounts.ts';
import { SmsapiProvider, smsapiNotifyUrl } from './http/smsapi.ts';
import { TwilioProvider } from './http/twilio.ts';
import { GsmModem } from './modem/gsm-modem.ts';
import type { SmsPorts } from './ports.ts';
import type { SmsProvider } from './provider.ts';

export interface PoolOptions {
  ports(account: SmsAccount): SmsPorts;
  log(message: string, error?: unknown): void;
}

interface Entry {
  fingerprint: string;
  provider: SmsProvider;
  started: Promise<void> | null;
}

export function callbackUrls(base: string | null, account: SmsAccount): { smsapi: string | null; twilio: string | null } {
  if (!base) return { smsapi: null, twilio: null };
  const route = `${base.replace(/\/$/, '')}/${account.kind}/${encodeURIComponent(account.id)}`;
  return {
    smsapi: account.kind === 'smsapi' && account.callbackSecret ? smsapiNotifyUrl(route, account.callbackSecret) : null,
    twilio: account.kind === 'twilio' ? route : null,
  };
}

export class ProviderPool {
  private readonly entries = new Map<string, Entry>();
  private readonly options: PoolOptions;
  constructor(options: PoolOptions) {
    this.options = options;
  }

  /** The provider of an account, (re)built when its settings changed; a modem is opened. `base`:
   * where the connector's callbacks are reached, e.g. https://crm.example.com/api/connectors/sms/public */
  async get(account: SmsAccount, base: string | null): Promise<SmsProvider> {
    const fingerprint = accountFingerprint(account, base ?? undefined);
    const current = this.entries.get(account.id);
    if (current && current.fingerprint === fingerprint) return current.provider;
    if (current) await this.drop(account.id);
    const provider = this.build(account, base);
    const entry: Entry = { fingerprint, provider, started: null };
    this.entries.set(account.id, entry);
    if (provider instanceof GsmModem) {
      entry.started = provider.start();
      // Not awaited: a missing port is retried by the driver in the background and a send waits for
      // it (then fails as retryable); a modem that cannot start for good (wrong PIN) fails each send
      // with its reason until the settings change.
      entry.started.catch((error: unknown) => this.options.log(`modem account ${account.id} did not start`, error));
    }
    return provider;
  }

  /** Modem accounts held open, for incoming messages. */
  modems(): { account: string; modem: GsmModem }[] {
    return [...this.entries.entries()].flatMap(([account, e]) => (e.provider instanceof GsmModem ? [{ account, modem: e.provider }] : []));
  }

  /** Closes providers of accounts that are gone or disabled. */
  async retain(accounts: readonly SmsAccount[]): Promise<void> {
    for (const id of [...this.entries.keys()]) if (!accounts.some((a) => a.id === id && a.enabled !== false)) await this.drop(id);
  }

  async drop(id: string): Promise<void> {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    await entry?.provider.close?.().catch((error: unknown) => this.options.log(`closing SMS account ${id}`, error));
  }

  async close(): Promise<void> {
    for (const id of [...this.entries.keys()]) await this.drop(id);
  }

  private build(account: SmsAccount, base: string | null): SmsProvider {
    const urls = callbackUrls(base, account);
    switch (account.kind) {
      case 'modem':
        return new GsmModem({
          path: account.port!,
          baudRate: account.baudRate ?? 115200,
          ...(account.pin ? { pin: account.pin } : {}),
          modemId: account.id,
          ports: this.options.ports(account),
        });
      case 'smsapi':
        return new SmsapiProvider({ token: account.token!, ...(account.baseUrl ? { baseUrl: account.baseUrl } : {}), ...(account.senderName ? { from: account.senderName } : {}), ...(urls.smsapi ? { notifyUrl: urls.smsapi } : {}) });
      case 'twilio':
        return new TwilioProvider({ accountSid: account.accountSid!, authToken: account.authToken!, from: account.fromNumber!, ...(account.baseUrl ? { baseUrl: account.baseUrl } : {}), ...(urls.twilio ? { statusCallback: urls.twilio } : {}) });
    }
  }
}
