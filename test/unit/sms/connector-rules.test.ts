// The SMS connector's pure rules: which account a send uses, opt-out replies and consent, logic-less
// templates, the per-account rate limit (on a fake clock), BPMN error codes, contacts' numbers.
import { chooseAccount, missingSettings, type SmsConfig } from '../../../connectors/sms/accounts.ts';
import { isOptOutReply, mayReceive } from '../../../connectors/sms/consent.ts';
import { consentOf, indexEntries, phoneFields, smsNumberOf } from '../../../connectors/sms/contacts.ts';
import { isForward } from '../../../connectors/sms/message-store.ts';
import { RateLimiter } from '../../../connectors/sms/rate-limit.ts';
import { bpmnCode } from '../../../connectors/sms/send-task.ts';
import { fillTemplate, renderTemplate } from '../../../connectors/sms/templates.ts';
import { DEFAULT_OPT_OUT_WORDS } from '../../../connectors/sms/accounts.ts';

const config: SmsConfig = {
  defaultAccount: 'gate',
  accounts: [
    { id: 'gate', kind: 'smsapi', token: 't' },
    { id: 'modem', kind: 'modem' },
    { id: 'off', kind: 'twilio', accountSid: 'AC1', authToken: 'x', fromNumber: '+1', enabled: false },
  ],
};

test('the account: the one asked for, else the default, else the only one; disabled and incomplete ones refused', () => {
  expect(chooseAccount(config, null)).toMatchObject({ ok: true, account: { id: 'gate' } });
  expect(chooseAccount(config, 'modem')).toMatchObject({ ok: false, code: 'sms.account.incomplete' });
  expect(chooseAccount(config, 'off')).toMatchObject({ ok: false, code: 'sms.account.disabled' });
  expect(chooseAccount(config, 'nope')).toMatchObject({ ok: false, code: 'sms.account.unknown' });
  expect(chooseAccount({ accounts: [{ id: 'only', kind: 'smsapi', token: 't' }] }, null)).toMatchObject({ ok: true, account: { id: 'only' } });
  expect(chooseAccount({ accounts: [] }, null)).toMatchObject({ ok: false, code: 'sms.account.none' });
  expect(missingSettings({ id: 't', kind: 'twilio', accountSid: 'AC1' })).toEqual(['authToken', 'fromNumber']);
});

test('an opt-out is a reply that is only the word, in any case, with or without diacritics and punctuation', () => {
  for (const reply of ['STOP', 'stop', 'Stop.', ' nie! ', 'NU', 'Rezygnuję', 'rezygnuje', 'STOP SMS']) expect([reply, isOptOutReply(reply, DEFAULT_OPT_OUT_WORDS)]).toEqual([reply, true]);
  for (const reply of ['Nie mogę jutro', 'stopka', 'Nu pot veni', '', 'OK']) expect([reply, isOptOutReply(reply, DEFAULT_OPT_OUT_WORDS)]).toEqual([reply, false]);
  expect(isOptOutReply('koniec', ['KONIEC'])).toBe(true);
});

test('marketing needs no opt-out and, where the type has the field, consent; transactional goes to everyone', () => {
  expect(mayReceive('transactional', true, { optedOut: true, marketingConsent: false })).toEqual({ allowed: true });
  expect(mayReceive('marketing', true, null)).toMatchObject({ allowed: false, reason: 'number' });
  expect(mayReceive('marketing', false, { optedOut: true })).toMatchObject({ allowed: false, reason: 'record' });
  expect(mayReceive('marketing', false, { optedOut: false, marketingConsent: false })).toMatchObject({ allowed: false, reason: 'noConsent' });
  expect(mayReceive('marketing', false, { optedOut: false, marketingConsent: true })).toEqual({ allowed: true });
  // A type without a consent field (a contractor) is not refused for lacking it.
  expect(mayReceive('marketing', false, { optedOut: false })).toEqual({ allowed: true });
});

test('templates fill with the merge language of e-mail templates; a missing value is named; the language picks the text', () => {
  expect(fillTemplate('Zlecenie {{order.number}} dla {{ name }}: {{total}} zł', { order: { number: 'ZS/1' }, name: 'Ana', total: 12.5 })).toEqual({ ok: true, text: 'Zlecenie ZS/1 dla Ana: 12.5 zł' });
  // The sections of e-mail templates work in SMS texts too (one merge implementation).
  expect(fillTemplate('Dzień dobry{{#vip}} (VIP){{/vip}}{{^vip}}!{{/vip}}', { vip: true })).toEqual({ ok: true, text: 'Dzień dobry (VIP)' });
  expect(fillTemplate('{{a}} {{b.c}} {{a}}', { b: {} })).toEqual({ ok: false, missing: ['a'], syntax: false });
  expect(fillTemplate('{{constructor}} {{__proto__}}', {})).toEqual({ ok: false, missing: ['constructor'], syntax: true });
  const templates = [{ id: 'ready', text: { pl: 'Gotowe, {{name}}', ro: 'Gata, {{name}}' } }, { id: 'promo', purpose: 'marketing' as const, text: { en: 'Sale' } }];
  expect(renderTemplate(templates, 'ready', 'ro', { name: 'Ana' })).toEqual({ ok: true, text: 'Gata, Ana', purpose: 'transactional' });
  expect(renderTemplate(templates, 'ready', 'en', { name: 'Ana' })).toMatchObject({ ok: true, text: 'Gotowe, Ana' });
  expect(renderTemplate(templates, 'promo', 'pl', {})).toEqual({ ok: true, text: 'Sale', purpose: 'marketing' });
  expect(renderTemplate(templates, 'nope', 'pl', {})).toMatchObject({ ok: false, code: 'sms.template.unknown' });
});

test('the rate limit lets a second’s worth through at once, then spaces sends at the rate, per account', () => {
  let now = 0;
  const limiter = new RateLimiter(() => now);
  expect([1, 2, 3].map(() => limiter.take('a', 2))).toEqual([0, 0, 500]);
  expect(limiter.take('b', 2)).toBe(0);
  now = 500;
  expect(limiter.take('a', 2)).toBe(500);
  now = 5000;
  expect(limiter.take('a', 2)).toBe(0);
  expect(limiter.take('slow', 0.5)).toBe(0);
  expect(limiter.take('slow', 0.5)).toBe(2000);
});

test('statuses only move forward; refusal codes become BPMN error codes', () => {
  expect(isForward('queued', 'sent')).toBe(true);
  expect(isForward('sent', 'delivered')).toBe(true);
  expect(isForward('delivered', 'sent')).toBe(false);
  expect(isForward('failed', 'delivered')).toBe(false);
  expect(bpmnCode('sms.error.optedOut')).toBe('SMS_OPTED_OUT');
  expect(bpmnCode('phone.tooShort')).toBe('SMS_INVALID_NUMBER');
  expect(bpmnCode('sms.recipient.noNumber')).toBe('SMS_RECIPIENT_NO_NUMBER');
});

test('a contact’s numbers: mobile first, landlines skipped for sending, every valid one indexed as E.164', () => {
  const person = { fields: [{ name: 'phone', type: 'phone' }, { name: 'fax', type: 'phone' }, { name: 'mobile', type: 'phone' }, { name: 'sms_opt_out', type: 'boolean' }, { name: 'marketing_consent', type: 'boolean' }] };
  expect(phoneFields(person)).toEqual(['mobile', 'phone', 'fax']);
  expect(smsNumberOf(person, { phone: '22 555 01 01', mobile: '' }, 'PL')).toBeNull();
  expect(smsNumberOf(person, { phone: '22 555 01 01', mobile: '0048 600-100-200' }, 'PL')).toBe('+48600100200');
  expect(smsNumberOf(person, { phone: '0722 123 456' }, 'RO')).toBe('+40722123456');
  expect(indexEntries(person, { phone: '22 555 01 01', mobile: '600100200', fax: 'x1' }, 'PL')).toEqual([
    { field: 'mobile', phone: '+48600100200' },
    { field: 'phone', phone: '+48225550101' },
  ]);
  expect(consentOf(person, { sms_opt_out: null, marketing_consent: true })).toEqual({ optedOut: false, marketingConsent: true });
  expect(consentOf({ fields: [] }, {})).toEqual({});
});

test('a modem account is opened only in a process that runs workers, never by a CLI command', async () => {
  const { reconcileAccounts, smsProviderPool } = await import('../../../connectors/sms/index.ts');
  let workers = false;
  const ctx = {
    settings: async () => ({ enabled: true, config: { accounts: [{ id: 'modem', kind: 'modem', port: '/nonexistent/tessera-modem' }] } }),
    workersRunning: () => workers,
  } as unknown as Parameters<typeof reconcileAccounts>[0];
  try {
    await reconcileAccounts(ctx);
    expect(smsProviderPool.modems()).toEqual([]);
    workers = true;
    await reconcileAccounts(ctx);
    expect(smsProviderPool.modems().map((m) => m.account)).toEqual(['modem']);
  } finally {
    await smsProviderPool.close();
  }
});
