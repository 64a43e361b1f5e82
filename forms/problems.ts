// Validation problems as the form shows them. The browser validates with the same schema as the
// server and words ajv's errors exactly as the server does (engine/records/validation.ts; a unit
// test compares the two), so a value gets the same message whether the form or the API caught it.
// Problems (from ajv or from a problem+json response) are attached to the top-level field of their
// JSON pointer; the rest of the pointer becomes a prefix of the message (e.g. "amount: must be ≥ 0").
import { formatDetail, type Language } from '../metadata/browser.ts';

export interface FieldProblem {
  /** RFC 6901 pointer into the record, e.g. /tax_id or /value/amount. */
  readonly pointer: string;
  readonly detail: string;
  readonly code?: string;
}

/** The parts of an ajv error (or an rjsf validation error mapped back) the wording needs. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** One ajv error in the server's words (`entity`: the entity type's name, for unknown fields). */
export function schemaErrorProblem(e: SchemaError, entity: string): FieldProblem {
  const params = e.params;
  switch (e.keyword) {
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(params.additionalProperty)}`, detail: e.instancePath ? 'unknown property' : `unknown field of ${entity}`, code: 'UNKNOWN_FIELD' };
    case 'required':
      return { pointer: `${e.instancePath}/${String(params.missingProperty)}`, detail: 'is required', code: 'REQUIRED' };
    case 'enum':
      return { pointer: e.instancePath, detail: `must be one of: ${(params.allowedValues as unknown[]).filter((v) => v !== null).join(', ')}`, code: 'ENUM' };
    case 'format':
      return { pointer: e.instancePath, detail: formatDetail(String(params.format)) ?? `must be a valid ${String(params.format)}`, code: 'FORMAT' };
    case 'type':
      return { pointer: e.instancePath, detail: `must be ${String(params.type).replace(',', ' or ')}`, code: 'TYPE' };
    default:
      return { pointer: e.instancePath, detail: e.message ?? 'is invalid', code: e.keyword.toUpperCase() };
  }
}

/**
 * ajv errors → problems, one per pointer, as the server folds them: anyOf/oneOf summaries are
 * dropped and the first reason per pointer wins. The form also drops the "must be null" branch of
 * an optional value's anyOf when the value itself has a more precise problem below it.
 */
export function schemaProblems(errors: readonly SchemaError[], entity: string): FieldProblem[] {
  const byPointer = new Map<string, FieldProblem>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const problem = schemaErrorProblem(e, entity);
    if (!byPointer.has(problem.pointer)) byPointer.set(problem.pointer, problem);
  }
  const problems = [...byPointer.values()];
  return problems.filter((p) => !(p.code === 'TYPE' && p.detail === 'must be null' && problems.some((q) => q.pointer.startsWith(`${p.pointer}/`))));
}

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** The top-level field a pointer names ('' for the record itself) and the rest of the path. */
export function pointerField(pointer: string): { field: string; rest: string[] } {
  const [, first = '', ...rest] = pointer.split('/').map(unescape);
  return { field: first, rest };
}

/** The server's English details, in the form's language where we know the wording. */
const TRANSLATIONS: Record<Exclude<Language, 'en'>, Record<string, string>> = {
  pl: {
    'is required': 'jest wymagane',
    'is required here': 'jest tutaj wymagane',
    'is not a valid tax id (NIP or CUI check digit)': 'nie jest poprawnym NIP-em ani CUI (cyfra kontrolna)',
    'must be a valid email': 'musi być poprawnym adresem e-mail',
    'must be a valid uri': 'musi być poprawnym adresem URL',
    'must be a valid web address': 'musi być poprawnym adresem strony (np. firma.pl)',
    'is not a valid postal code': 'nie jest poprawnym kodem pocztowym',
    'is not a valid postal code in PL (NN-NNN)': 'nie jest poprawnym kodem pocztowym w Polsce (NN-NNN)',
    'is not a valid postal code in RO (NNNNNN)': 'nie jest poprawnym kodem pocztowym w Rumunii (6 cyfr)',
    'must be a valid date': 'musi być poprawną datą',
    'must be a valid date-time': 'musi być poprawną datą i godziną',
    'is read-only': 'jest tylko do odczytu',
    'must be integer': 'musi być liczbą całkowitą',
    'must be number': 'musi być liczbą',
    'another record has this value': 'inny rekord ma już tę wartość',
  },
  ro: {
    'is required': 'este obligatoriu',
    'is required here': 'este obligatoriu aici',
    'is not a valid tax id (NIP or CUI check digit)': 'nu este un cod fiscal valid (cifra de control NIP sau CUI)',
    'must be a valid email': 'trebuie să fie o adresă de e-mail validă',
    'must be a valid uri': 'trebuie să fie o adresă URL validă',
    'must be a valid web address': 'trebuie să fie o adresă web validă (de ex. firma.ro)',
    'is not a valid postal code': 'nu este un cod poștal valid',
    'is not a valid postal code in PL (NN-NNN)': 'nu este un cod poștal valid în Polonia (NN-NNN)',
    'is not a valid postal code in RO (NNNNNN)': 'nu este un cod poștal valid în România (6 cifre)',
    'must be a valid date': 'trebuie să fie o dată validă',
    'must be a valid date-time': 'trebuie să fie o dată și oră valide',
    'is read-only': 'este doar pentru citire',
    'must be integer': 'trebuie să fie un număr întreg',
    'must be number': 'trebuie să fie un număr',
    'another record has this value': 'o altă înregistrare are deja această valoare',
  },
};

/** The detail of a problem in the given language (English, the server's wording, when we have no translation). */
export function problemText(problem: FieldProblem, language: Language): string {
  const detail = language === 'en' ? problem.detail : (TRANSLATIONS[language][problem.detail] ?? problem.detail);
  const { rest } = pointerField(problem.pointer);
  return rest.length ? `${rest.join('.')}: ${detail}` : detail;
}

/** Problems grouped by the top-level field they concern ('' = the record as a whole). */
export function problemsByField(problems: readonly FieldProblem[], language: Language): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const p of problems) {
    const { field } = pointerField(p.pointer);
    const list = result.get(field) ?? [];
    list.push(problemText(p, language));
    result.set(field, list);
  }
  return result;
}
