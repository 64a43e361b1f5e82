// E.164 normalisation of Polish and Romanian numbers as people write them.
import { canReceiveSms, normalisePhoneNumber, samePhoneNumber } from '../../../connectors/sms/phone-numbers.ts';

test.each([
  ['600 100 200', 'PL', '+48600100200', 'mobile'],
  ['600-100-200', 'PL', '+48600100200', 'mobile'],
  ['+48 600 100 200', 'RO', '+48600100200', 'mobile'],
  ['0048600100200', 'PL', '+48600100200', 'mobile'],
  ['(22) 123 45 67', 'PL', '+48221234567', 'fixed-line'],
  ['0722 123 456', 'RO', '+40722123456', 'mobile'],
  ['+40 722 123 456', 'PL', '+40722123456', 'mobile'],
  ['0040722123456', 'RO', '+40722123456', 'mobile'],
  ['021 312 3456', 'RO', '+40213123456', 'fixed-line'],
])('%s (default %s) → %s', (input, region, e164, type) => {
  expect(normalisePhoneNumber(input, region)).toMatchObject({ ok: true, e164, type });
});

test('the default region decides numbers without a country code', () => {
  expect(normalisePhoneNumber('0722123456', 'RO')).toMatchObject({ e164: '+40722123456', country: 'RO' });
  expect(normalisePhoneNumber('0722123456', 'PL')).toMatchObject({ ok: false });
});

test('bad input is a typed result, never a throw', () => {
  expect(normalisePhoneNumber('', 'PL')).toEqual({ ok: false, code: 'phone.empty' });
  expect(normalisePhoneNumber('12', 'PL')).toEqual({ ok: false, code: 'phone.tooShort' });
  expect(normalisePhoneNumber('600 100 200 300 400', 'PL')).toEqual({ ok: false, code: 'phone.tooLong' });
  expect(normalisePhoneNumber('hello', 'PL')).toMatchObject({ ok: false });
  expect(normalisePhoneNumber('600100200', 'XX')).toEqual({ ok: false, code: 'phone.unknownRegion' });
});

test('landlines cannot take SMS; the same line written two ways matches', () => {
  expect(canReceiveSms(normalisePhoneNumber('22 123 45 67', 'PL'))).toBe(false);
  expect(canReceiveSms(normalisePhoneNumber('600100200', 'PL'))).toBe(true);
  expect(samePhoneNumber('+48 600 100 200', '600-100-200', 'PL')).toBe(true);
  expect(samePhoneNumber('+40722123456', '0722 123 456', 'RO')).toBe(true);
  expect(samePhoneNumber('+40722123456', '0722 123 457', 'RO')).toBe(false);
});

test('every result code is worded in pl, en and ro', async () => {
  const { MESSAGES } = await import('../../../ui/src/app/messages.ts');
  for (const code of ['phone.empty', 'phone.invalid', 'phone.tooShort', 'phone.tooLong', 'phone.unknownRegion', 'phone.notMobile'] as const) {
    for (const lang of ['pl', 'en', 'ro'] as const) expect(MESSAGES[lang][code]).toMatch(/\S/);
  }
});
