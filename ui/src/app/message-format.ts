// A UI string with its {placeholders} filled in, and ICU-style plurals for counts:
// "{n, plural, one {# rekord} few {# rekordy} many {# rekordów} other {# rekordu}}" picks the form
// the language's plural rules (Intl.PluralRules) give for n, with # standing for the number —
// Polish has three forms for whole numbers (1 rekord, 2 rekordy, 5 rekordów), Romanian two and a
// third for 20 and more (1 înregistrare, 2 înregistrări, 20 de înregistrări).

const PLURAL = /\{(\w+),\s*plural,\s*((?:[=\w]+\s*\{[^{}]*\}\s*)+)\}/g;
const FORM = /([=\w]+)\s*\{([^{}]*)\}/g;

export function formatMessage(text: string, values: Readonly<Record<string, string | number>> | undefined, locale: string): string {
  if (!values) return text;
  const plurals = text.replace(PLURAL, (whole, name: string, forms: string) => {
    const value = values[name];
    if (typeof value !== 'number') return whole;
    const choices = new Map([...forms.matchAll(FORM)].map((m) => [m[1]!, m[2]!]));
    const form = choices.get(`=${value}`) ?? choices.get(new Intl.PluralRules(locale).select(value)) ?? choices.get('other') ?? '';
    return form.replace(/#/g, new Intl.NumberFormat(locale).format(value));
  });
  return plurals.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
