// Amounts in words on printed documents: Polish plural forms, Romanian gender agreement and the
// "de" rule, English; rounding, zero, negative and out-of-range amounts.
import { amountInWords, englishNumber, polishForm, polishNumber, romanianNumber, romanianTakesDe } from '../../../engine/documents/amount-words.ts';

describe('Polish', () => {
  test('the example of an invoice', () => {
    expect(amountInWords(1234.56, 'PLN', 'pl')).toBe('jeden tysiąc dwieście trzydzieści cztery złote 56/100');
    expect(amountInWords('1234.56', 'PLN', 'pl')).toBe('jeden tysiąc dwieście trzydzieści cztery złote 56/100');
  });

  test.each([
    [1, 'jeden złoty 00/100'],
    [2, 'dwa złote 00/100'],
    [5, 'pięć złotych 00/100'],
    [12, 'dwanaście złotych 00/100'],
    [22, 'dwadzieścia dwa złote 00/100'],
    [25, 'dwadzieścia pięć złotych 00/100'],
    [101, 'sto jeden złotych 00/100'],
    [114, 'sto czternaście złotych 00/100'],
    [0, 'zero złotych 00/100'],
    [0.07, 'zero złotych 07/100'],
  ])('złoty forms: %s', (amount, words) => {
    expect(amountInWords(amount, 'PLN', 'pl')).toBe(words);
  });

  test.each([
    [1000, 'jeden tysiąc'],
    [2000, 'dwa tysiące'],
    [5000, 'pięć tysięcy'],
    [12000, 'dwanaście tysięcy'],
    [22000, 'dwadzieścia dwa tysiące'],
    [101000, 'sto jeden tysięcy'],
    [1000000, 'jeden milion'],
    [3000000, 'trzy miliony'],
    [5_000_000, 'pięć milionów'],
    [2_000_000_000, 'dwa miliardy'],
    [999_999_999_999, 'dziewięćset dziewięćdziesiąt dziewięć miliardów dziewięćset dziewięćdziesiąt dziewięć milionów dziewięćset dziewięćdziesiąt dziewięć tysięcy dziewięćset dziewięćdziesiąt dziewięć'],
    [1_002_015, 'jeden milion dwa tysiące piętnaście'],
  ])('scales: %s', (n, words) => {
    expect(polishNumber(n)).toBe(words);
  });

  test('plural form rule', () => {
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 24, 104, 112].map(polishForm)).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 2]);
  });

  test('other currencies, rounding and negatives', () => {
    expect(amountInWords(3, 'EUR', 'pl')).toBe('trzy euro 00/100');
    expect(amountInWords(10.005, 'PLN', 'pl')).toBe('dziesięć złotych 01/100');
    expect(amountInWords(-2.5, 'PLN', 'pl')).toBe('minus dwa złote 50/100');
    expect(amountInWords(1e12, 'PLN', 'pl')).toBeNull();
    expect(amountInWords('abc', 'PLN', 'pl')).toBeNull();
  });
});

describe('Romanian', () => {
  test('the example of an invoice, with "de" from 20 up', () => {
    expect(amountInWords(1234.56, 'RON', 'ro')).toBe('o mie două sute treizeci și patru de lei și 56 de bani');
  });

  test.each([
    [1, 'un leu'],
    [2, 'doi lei'],
    [12, 'doisprezece lei'],
    [19, 'nouăsprezece lei'],
    [20, 'douăzeci de lei'],
    [21, 'douăzeci și unu de lei'],
    [22, 'douăzeci și doi de lei'],
    [100, 'o sută de lei'],
    [101, 'o sută unu lei'],
    [119, 'o sută nouăsprezece lei'],
    [200, 'două sute de lei'],
    [1000, 'o mie de lei'],
    [2000, 'două mii de lei'],
    [12_000, 'douăsprezece mii de lei'],
    [21_000, 'douăzeci și una de mii de lei'],
    [1_000_000, 'un milion de lei'],
    [2_000_005, 'două milioane cinci lei'],
  ])('%s lei', (amount, words) => {
    expect(amountInWords(amount, 'RON', 'ro')).toBe(words);
  });

  test('bani: one, few, "de" from 20', () => {
    expect(amountInWords(0.01, 'RON', 'ro')).toBe('zero lei și 1 ban');
    expect(amountInWords(5.05, 'RON', 'ro')).toBe('cinci lei și 5 bani');
    expect(amountInWords(5.2, 'RON', 'ro')).toBe('cinci lei și 20 de bani');
  });

  test('the "de" rule and feminine counts', () => {
    expect([1, 19, 20, 99, 100, 101, 119, 120, 1000].map(romanianTakesDe)).toEqual([false, false, true, true, true, false, false, true, true]);
    expect(romanianNumber(2, 'f')).toBe('două');
    expect(romanianNumber(12, 'f')).toBe('douăsprezece');
  });
});

describe('English', () => {
  test('words, code and hundredths', () => {
    expect(amountInWords(1234.56, 'EUR', 'en')).toBe('one thousand two hundred thirty-four EUR 56/100');
    expect(englishNumber(2_000_040)).toBe('two million forty');
  });
});
