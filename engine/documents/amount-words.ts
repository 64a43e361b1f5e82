// Amounts in words for printed documents ("słownie", "în litere"): pure, no locale data needed.
// Polish: złoty/złote/złotych and tysiąc/tysiące/tysięcy by the usual plural rule (1; 2–4 but not
// 12–14; the rest), the minor unit as "56/100". Romanian: numerals agree with the noun's gender
// ("un leu", "o mie", "două milioane"), "de" before the noun when the last two digits are 00 or
// 20–99 ("douăzeci de lei", "o mie de lei", but "nouăsprezece lei"), the minor unit in digits
// ("și 56 de bani"). English: words and the currency code, minor unit as "56/100".

export type WordsLanguage = 'pl' | 'ro' | 'en';

/** Largest amount said in words (below a trillion); larger ones have no words (null). */
export const MAX_WORDS_AMOUNT = 999_999_999_999.99;

// ---- Polish ---------------------------------------------------------------------------------

const PL_UNITS = ['', 'jeden', 'dwa', 'trzy', 'cztery', 'pięć', 'sześć', 'siedem', 'osiem', 'dziewięć'];
const PL_TEENS = ['dziesięć', 'jedenaście', 'dwanaście', 'trzynaście', 'czternaście', 'piętnaście', 'szesnaście', 'siedemnaście', 'osiemnaście', 'dziewiętnaście'];
const PL_TENS = ['', '', 'dwadzieścia', 'trzydzieści', 'czterdzieści', 'pięćdziesiąt', 'sześćdziesiąt', 'siedemdziesiąt', 'osiemdziesiąt', 'dziewięćdziesiąt'];
const PL_HUNDREDS = ['', 'sto', 'dwieście', 'trzysta', 'czterysta', 'pięćset', 'sześćset', 'siedemset', 'osiemset', 'dziewięćset'];

/** Polish plural form index: 0 for one, 1 for 2–4 (not 12–14), 2 for the rest (0, 5–21, 25…). */
export function polishForm(n: number): 0 | 1 | 2 {
  if (n === 1) return 0;
  const lastTwo = n % 100;
  const last = n % 10;
  return last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14) ? 1 : 2;
}

function polishTriplet(n: number): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h) words.push(PL_HUNDREDS[h]!);
  if (rest >= 10 && rest < 20) words.push(PL_TEENS[rest - 10]!);
  else {
    if (rest >= 20) words.push(PL_TENS[Math.floor(rest / 10)]!);
    if (rest % 10) words.push(PL_UNITS[rest % 10]!);
  }
  return words;
}

const PL_SCALES: readonly (readonly [string, string, string])[] = [
  ['miliard', 'miliardy', 'miliardów'],
  ['milion', 'miliony', 'milionów'],
  ['tysiąc', 'tysiące', 'tysięcy'],
];

/** A whole number in Polish words ("jeden tysiąc dwieście trzydzieści cztery"). */
export function polishNumber(n: number): string {
  if (n === 0) return 'zero';
  const words: string[] = [];
  let rest = n;
  PL_SCALES.forEach((forms, i) => {
    const scale = 1000 ** (PL_SCALES.length - i);
    const count = Math.floor(rest / scale);
    rest %= scale;
    if (count) words.push(...polishTriplet(count), forms[polishForm(count)]);
  });
  words.push(...polishTriplet(rest));
  return words.join(' ');
}

const PL_CURRENCIES: Readonly<Record<string, readonly [string, string, string]>> = {
  PLN: ['złoty', 'złote', 'złotych'],
  EUR: ['euro', 'euro', 'euro'],
  USD: ['dolar', 'dolary', 'dolarów'],
  RON: ['lej', 'leje', 'lei'],
};

// ---- Romanian -------------------------------------------------------------------------------

type Gender = 'm' | 'f';
const RO_UNITS = ['', 'unu', 'doi', 'trei', 'patru', 'cinci', 'șase', 'șapte', 'opt', 'nouă'];
const RO_TEENS = ['zece', 'unsprezece', 'doisprezece', 'treisprezece', 'paisprezece', 'cincisprezece', 'șaisprezece', 'șaptesprezece', 'optsprezece', 'nouăsprezece'];
const RO_TENS = ['', '', 'douăzeci', 'treizeci', 'patruzeci', 'cincizeci', 'șaizeci', 'șaptezeci', 'optzeci', 'nouăzeci'];

/** Whether a Romanian count takes "de" before its noun: last two digits 00 (n ≥ 100) or 20–99. */
export function romanianTakesDe(n: number): boolean {
  const lastTwo = n % 100;
  return lastTwo >= 20 || (lastTwo === 0 && n >= 100);
}

function romanianUnit(u: number, gender: Gender): string {
  if (u === 1) return gender === 'f' ? 'una' : 'unu';
  if (u === 2) return gender === 'f' ? 'două' : 'doi';
  return RO_UNITS[u]!;
}

/** 1–999 as a count before a noun of the gender (a lone 1 is "un"/"o": "un leu", "o mie"). */
function romanianTriplet(n: number, gender: Gender): string[] {
  if (n === 1) return [gender === 'f' ? 'o' : 'un'];
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h === 1) words.push('o sută');
  else if (h === 2) words.push('două sute');
  else if (h) words.push(`${RO_UNITS[h]!} sute`);
  if (rest >= 10 && rest < 20) words.push(rest === 12 && gender === 'f' ? 'douăsprezece' : RO_TEENS[rest - 10]!);
  else if (rest >= 20) words.push(rest % 10 ? `${RO_TENS[Math.floor(rest / 10)]!} și ${romanianUnit(rest % 10, gender)}` : RO_TENS[Math.floor(rest / 10)]!);
  else if (rest) words.push(romanianUnit(rest, gender));
  return words;
}

/** A count and its noun: "un leu", "doi lei", "douăzeci de lei", "o mie", "două mii". */
function romanianCount(n: number, gender: Gender, one: string, many: string): string {
  if (n === 1) return `${romanianTriplet(1, gender)[0]!} ${one}`;
  return [...romanianTriplet(n, gender), ...(romanianTakesDe(n) ? ['de'] : []), many].join(' ');
}

const RO_SCALES: readonly (readonly [string, string])[] = [
  ['miliard', 'miliarde'],
  ['milion', 'milioane'],
  ['mie', 'mii'],
];

/** A whole number in Romanian words, counting a noun of the gender (without the noun). */
export function romanianNumber(n: number, gender: Gender = 'm'): string {
  if (n === 0) return 'zero';
  const words: string[] = [];
  let rest = n;
  RO_SCALES.forEach(([one, many], i) => {
    const scale = 1000 ** (RO_SCALES.length - i);
    const count = Math.floor(rest / scale);
    rest %= scale;
    // "mie" is feminine; "milion"/"miliard" are neuter: masculine in the singular ("un milion"), feminine counted ("două milioane").
    if (count) words.push(count === 1 ? (one === 'mie' ? 'o mie' : `un ${one}`) : romanianCount(count, 'f', one, many));
  });
  if (rest) words.push(...(rest === 1 && n !== 1 ? [romanianUnit(1, gender)] : romanianTriplet(rest, gender)));
  return words.join(' ');
}

const RO_CURRENCIES: Readonly<Record<string, { one: string; many: string; gender: Gender; minorOne: string; minorMany: string }>> = {
  RON: { one: 'leu', many: 'lei', gender: 'm', minorOne: 'ban', minorMany: 'bani' },
  EUR: { one: 'euro', many: 'euro', gender: 'm', minorOne: 'cent', minorMany: 'cenți' },
  USD: { one: 'dolar', many: 'dolari', gender: 'm', minorOne: 'cent', minorMany: 'cenți' },
  PLN: { one: 'zlot', many: 'zloți', gender: 'm', minorOne: 'grosz', minorMany: 'groși' },
};

// ---- English --------------------------------------------------------------------------------

const EN_UNITS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function englishTriplet(n: number): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h) words.push(EN_UNITS[h]!, 'hundred');
  if (rest >= 20) words.push(rest % 10 ? `${EN_TENS[Math.floor(rest / 10)]!}-${EN_UNITS[rest % 10]!}` : EN_TENS[Math.floor(rest / 10)]!);
  else if (rest) words.push(EN_UNITS[rest]!);
  return words;
}

/** A whole number in English words ("one thousand two hundred thirty-four"). */
export function englishNumber(n: number): string {
  if (n === 0) return 'zero';
  const words: string[] = [];
  let rest = n;
  for (const [scale, name] of [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']] as const) {
    const count = Math.floor(rest / scale);
    rest %= scale;
    if (count) words.push(...englishTriplet(count), name);
  }
  words.push(...englishTriplet(rest));
  return words.join(' ');
}

// ---- amounts --------------------------------------------------------------------------------

/** Whole units and hundredths of an amount (rounded half away from zero), or null beyond the range. */
function split(amount: number | string): { negative: boolean; whole: number; minor: number } | null {
  const value = typeof amount === 'string' ? Number(amount.replace(/\s/g, '').replace(',', '.')) : amount;
  if (!Number.isFinite(value) || Math.abs(value) > MAX_WORDS_AMOUNT) return null;
  const cents = Math.round(Math.abs(value) * 100 + 1e-6);
  return { negative: value < 0 && cents > 0, whole: Math.floor(cents / 100), minor: cents % 100 };
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * An amount in words in the language, with the currency (ISO code; unknown codes are written as the
 * code): `amountInWords(1234.56, 'PLN', 'pl')` → "jeden tysiąc dwieście trzydzieści cztery złote 56/100".
 * Null when the amount is not a finite number or exceeds MAX_WORDS_AMOUNT.
 */
export function amountInWords(amount: number | string, currency: string, language: WordsLanguage): string | null {
  const parts = split(amount);
  if (!parts) return null;
  const { negative, whole, minor } = parts;
  const code = currency.toUpperCase();
  let text: string;
  if (language === 'pl') {
    const forms = PL_CURRENCIES[code];
    const noun = forms ? forms[polishForm(whole)] : code;
    text = `${polishNumber(whole)} ${noun} ${twoDigits(minor)}/100`;
    if (negative) text = `minus ${text}`;
  } else if (language === 'ro') {
    const c = RO_CURRENCIES[code];
    const number = romanianNumber(whole, c?.gender ?? 'm');
    const noun = c ? (whole === 1 ? c.one : `${romanianTakesDe(whole) ? 'de ' : ''}${c.many}`) : code;
    text = whole === 1 && c ? `${romanianTriplet(1, c.gender)[0]!} ${c.one}` : `${number} ${noun}`;
    if (minor) text += c ? ` și ${minor} ${minor === 1 ? c.minorOne : `${romanianTakesDe(minor) ? 'de ' : ''}${c.minorMany}`}` : ` ${twoDigits(minor)}/100`;
    if (negative) text = `minus ${text}`;
  } else {
    text = `${negative ? 'minus ' : ''}${englishNumber(whole)} ${code} ${twoDigits(minor)}/100`;
  }
  return text;
}
