// The SMS connector's configuration: several provider accounts (GSM modem, SMSAPI.pl, Twilio), one
// default, templates and opt-out words. Pure: the JSON Schema of the settings form and the checks
// that pick an account for a send.
export type AccountKind = 'modem' | 'smsapi' | 'twilio';

export interface SmsAccount {
  readonly id: string;
  readonly label?: string;
  readonly kind: AccountKind;
  readonly enabled?: boolean;
  /** Messages per second this account may hand to its provider (per process). */
  readonly ratePerSecond?: number;
  readonly maxAttempts?: number;
  // modem
  readonly port?: string;
  readonly baudRate?: number;
  readonly pin?: string;
  // SMSAPI.pl
  readonly token?: string;
  readonly senderName?: string;
  // Twilio
  readonly accountSid?: string;
  readonly authToken?: string;
  readonly fromNumber?: string;
  /** SMSAPI/Twilio API base (tests, regional endpoints); empty: the provider's default. */
  readonly baseUrl?: string;
  /** SMSAPI signs nothing: this secret goes into the notify_url and is checked on every callback. */
  readonly callbackSecret?: string;
}

export interface SmsTemplate {
  readonly id: string;
  readonly purpose?: 'transactional' | 'marketing';
  readonly text: { readonly pl?: string; readonly en?: string; readonly ro?: string };
}

export interface SmsConfig {
  readonly accounts?: readonly SmsAccount[];
  readonly defaultAccount?: string;
  /** ISO 3166 region of numbers written without a country code (the business country). */
  readonly defaultRegion?: string;
  /** Tessera's address as the providers reach it, for delivery callbacks (https://crm.example.com). */
  readonly publicUrl?: string;
  /** A reply that is one of these words (any case, no diacritics needed) opts the number out. */
  readonly optOutWords?: readonly string[];
  readonly templates?: readonly SmsTemplate[];
  /** First retry of a failed send after this long, each next three times as long (at most 30 min). */
  readonly retryDelaySeconds?: number;
}

export const DEFAULT_OPT_OUT_WORDS = ['STOP', 'NIE', 'NU', 'REZYGNUJE', 'UNSUBSCRIBE', 'STOPSMS', 'STOP SMS'] as const;

const labels = (pl: string, en: string, ro: string) => ({ title: en, 'x-labels': { pl, en, ro } });

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaultAccount: { type: 'string', maxLength: 40, ...labels('Domyślne konto', 'Default account', 'Cont implicit') },
    defaultRegion: { type: 'string', pattern: '^[A-Z]{2}$', default: 'PL', ...labels('Kraj numerów bez kierunkowego', 'Country of numbers without a country code', 'Țara numerelor fără prefix') },
    publicUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 500, ...labels('Publiczny adres Tessery (dla raportów doręczeń)', 'Public address of Tessera (for delivery reports)', 'Adresa publică a Tessera (pentru rapoarte de livrare)') },
    retryDelaySeconds: { type: 'number', minimum: 0.1, maximum: 3600, default: 5, ...labels('Pierwsze ponowienie po (s), potem trzy razy dłużej', 'First retry after (s), then three times as long', 'Prima reîncercare după (s), apoi de trei ori mai mult') },
    optOutWords: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 40 }, ...labels('Słowa rezygnacji (odpowiedź SMS)', 'Opt-out words (SMS reply)', 'Cuvinte de dezabonare (răspuns SMS)') },
    accounts: {
      type: 'array',
      maxItems: 20,
      ...labels('Konta SMS', 'SMS accounts', 'Conturi SMS'),
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$', ...labels('Identyfikator', 'Id', 'Identificator') },
          label: { type: 'string', maxLength: 100, ...labels('Nazwa', 'Name', 'Nume') },
          kind: { type: 'string', enum: ['modem', 'smsapi', 'twilio'], ...labels('Rodzaj', 'Kind', 'Tip') },
          enabled: { type: 'boolean', default: true, ...labels('Włączone', 'Enabled', 'Activat') },
          ratePerSecond: { type: 'number', minimum: 0.01, maximum: 1000, default: 10, ...labels('Wiadomości na sekundę', 'Messages per second', 'Mesaje pe secundă') },
          maxAttempts: { type: 'integer', minimum: 1, maximum: 20, default: 5, ...labels('Próby wysłania', 'Send attempts', 'Încercări de trimitere') },
          port: { type: 'string', maxLength: 300, ...labels('Port modemu (np. /dev/serial/by-id/…)', 'Modem port (e.g. /dev/serial/by-id/…)', 'Portul modemului (ex. /dev/serial/by-id/…)') },
          baudRate: { type: 'integer', enum: [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600], default: 115200, ...labels('Prędkość (bit/s)', 'Baud rate', 'Viteză (baud)') },
          pin: { type: 'string', writeOnly: true, pattern: '^[0-9]{4,8}$', ...labels('PIN karty SIM', 'SIM PIN', 'PIN-ul cartelei SIM') },
          token: { type: 'string', writeOnly: true, maxLength: 500, ...labels('Token API SMSAPI', 'SMSAPI API token', 'Token API SMSAPI') },
          senderName: { type: 'string', maxLength: 11, ...labels('Nazwa nadawcy', 'Sender name', 'Numele expeditorului') },
          accountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$', ...labels('Account SID (Twilio)', 'Account SID (Twilio)', 'Account SID (Twilio)') },
          authToken: { type: 'string', writeOnly: true, maxLength: 200, ...labels('Auth token (Twilio)', 'Auth token (Twilio)', 'Auth token (Twilio)') },
          fromNumber: { type: 'string', maxLength: 20, ...labels('Numer nadawcy (Twilio)', 'From number (Twilio)', 'Număr expeditor (Twilio)') },
          baseUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 500, ...labels('Adres API (puste: domyślny)', 'API address (empty: the default)', 'Adresa API (gol: implicită)') },
          callbackSecret: { type: 'string', writeOnly: true, minLength: 16, maxLength: 200, ...labels('Sekret raportów doręczeń (SMSAPI)', 'Delivery report secret (SMSAPI)', 'Secretul rapoartelor de livrare (SMSAPI)') },
        },
      },
    },
    templates: {
      type: 'array',
      maxItems: 200,
      ...labels('Szablony', 'Templates', 'Șabloane'),
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'text'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', ...labels('Identyfikator', 'Id', 'Identificator') },
          purpose: { type: 'string', enum: ['transactional', 'marketing'], default: 'transactional', ...labels('Cel', 'Purpose', 'Scop') },
          text: {
            type: 'object',
            additionalProperties: false,
            ...labels('Treść', 'Text', 'Text'),
            properties: {
              pl: { type: 'string', maxLength: 1600, ...labels('Po polsku', 'Polish', 'Poloneză') },
              en: { type: 'string', maxLength: 1600, ...labels('Po angielsku', 'English', 'Engleză') },
              ro: { type: 'string', maxLength: 1600, ...labels('Po rumuńsku', 'Romanian', 'Română') },
            },
          },
        },
      },
    },
  },
} as const;

export const uiSchema = { accounts: { items: { pin: { 'ui:widget': 'password' }, token: { 'ui:widget': 'password' }, authToken: { 'ui:widget': 'password' }, callbackSecret: { 'ui:widget': 'password' } } } };

export type AccountChoice = { ok: true; account: SmsAccount } | { ok: false; code: 'sms.account.none' | 'sms.account.unknown' | 'sms.account.disabled' | 'sms.account.incomplete'; detail: string };

/** What an account of its kind needs before it can send. */
export function missingSettings(account: SmsAccount): string[] {
  const need: Record<AccountKind, (keyof SmsAccount)[]> = { modem: ['port'], smsapi: ['token'], twilio: ['accountSid', 'authToken', 'fromNumber'] };
  return need[account.kind].filter((k) => account[k] === undefined || account[k] === '');
}

/** The account a send uses: the one asked for, else the default, else the only one. */
export function chooseAccount(config: SmsConfig, wanted?: string | null): AccountChoice {
  const accounts = config.accounts ?? [];
  const id = wanted || config.defaultAccount || (accounts.length === 1 ? accounts[0]!.id : null);
  if (!id) return { ok: false, code: 'sms.account.none', detail: accounts.length ? 'no default account is set' : 'no SMS account is configured' };
  const account = accounts.find((a) => a.id === id);
  if (!account) return { ok: false, code: 'sms.account.unknown', detail: `no SMS account "${id}"` };
  if (account.enabled === false) return { ok: false, code: 'sms.account.disabled', detail: `the SMS account "${id}" is disabled` };
  const missing = missingSettings(account);
  if (missing.length) return { ok: false, code: 'sms.account.incomplete', detail: `the SMS account "${id}" lacks ${missing.join(', ')}` };
  return { ok: true, account };
}

/** A stable fingerprint of what a provider is built from: a change reopens it. */
export function accountFingerprint(account: SmsAccount, publicUrl: string | undefined): string {
  return JSON.stringify([account.kind, account.port, account.baudRate, account.pin, account.token, account.senderName, account.accountSid, account.authToken, account.fromNumber, account.baseUrl, account.callbackSecret, publicUrl]);
}
