// Every problem code the server can emit has words in Polish, English and Romanian
// (forms/problem-words.ts). The codes are found by scanning the server's sources — errors thrown,
// problems built, metadata and BPMN checks reported, code unions declared, and the JSON Schema
// keywords whose ajv errors become codes — so a new code without wording fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeholders, problemDetail, PROBLEM_WORDS } from '../../../forms/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES = ['engine', 'metadata', 'forms'];
const LANGUAGES = ['pl', 'en', 'ro'] as const;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.generated.ts') ? [path] : [];
  });
}

/** Codes the sources emit, with one file each for the failure message. */
function serverCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (code: string, file: string) => found.has(code) || found.set(code, file.slice(ROOT.length));
  const patterns = [
    /TesseraError\(\s*'([A-Z][A-Z0-9_]+)'/g, // new TesseraError('NOT_FOUND', …)
    /\bcode:\s*'([A-Z][A-Z0-9_]+)'/g, // { pointer, detail, code: 'REQUIRED' }
    /\bcode\s*=\s*'([A-Z][A-Z0-9_]+)'/g, // readonly code = 'META_INVALID'
    /\breport\(\s*(?:ctx,\s*)?'([A-Z][A-Z0-9_]+)'/g, // metadata and BPMN checks
    /\b(?:reject|fail|raiseIncident)\([^'\n]{0,40}'([A-Z][A-Z0-9_]{2,})'/g, // workflow steps and incidents
  ];
  // ajv keywords of the schemas the server checks with: their errors become the keyword's code.
  const keywords = /\b(minimum|maximum|exclusiveMinimum|exclusiveMaximum|minLength|maxLength|minItems|maxItems|uniqueItems|multipleOf|pattern|const|not)\s*:/g;
  const schemaFiles = new Set(['metadata/record-schema.ts', 'forms/camunda-form.ts', 'forms/schema-check.ts', 'engine/workflows/runtime/task-forms.ts']);
  for (const file of SOURCES.flatMap((dir) => files(join(ROOT, dir)))) {
    if (file.endsWith('problem-words.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) add(m[1]!, file);
    // Declared unions of codes: `type XCode = | 'A' | 'B'`.
    for (const union of text.matchAll(/type \w*Code\w* =((?:\s*\|?\s*'[A-Z][A-Z0-9_]+')+)/g)) for (const m of union[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) add(m[1]!, file);
    if (schemaFiles.has(file.slice(ROOT.length))) for (const m of text.matchAll(keywords)) add(m[1]!.toUpperCase(), file);
  }
  return found;
}

test('the scan finds the server’s codes (errors, problems, metadata, BPMN, workflow steps, schema keywords)', () => {
  const codes = serverCodes();
  expect(codes.size).toBeGreaterThan(100);
  for (const known of ['NOT_FOUND', 'TRANSITION_GUARD_FAILED', 'STATE_REQUIRES_FIELD', 'DELETE_RESTRICTED', 'META_CYCLE', 'BPMN_MISSING_CONDITION', 'INSTANCE_ENDED', 'JOB_NO_RETRIES', 'MAXLENGTH', 'LEAD_CLOSED']) expect(codes.has(known)).toBe(true);
});

test('every code the server emits has words in Polish, English and Romanian', () => {
  const missing = [...serverCodes()].filter(([code]) => LANGUAGES.some((language) => !PROBLEM_WORDS[code]?.text[language]?.trim())).map(([code, file]) => `${code} (${file})`);
  expect(missing).toEqual([]);
});

test('a template names the same parameters in every language', () => {
  for (const [code, wording] of Object.entries(PROBLEM_WORDS)) {
    if (!wording.withParams) continue;
    const names = LANGUAGES.map((language) => placeholders(wording.withParams![language]).sort().join(','));
    expect({ code, names: new Set(names).size }).toEqual({ code, names: 1 });
  }
});

test('problems are worded from code and parameters; without the parameters, the plain sentence; unknown codes keep the detail', () => {
  const guard = { pointer: '/stage', code: 'TRANSITION_GUARD_FAILED', detail: 'the amount is required', params: { to: 'Wygrana', message: 'kwota jest wymagana' } };
  expect(problemDetail(guard, 'pl')).toBe('Nie można przejść do „Wygrana”: kwota jest wymagana');
  expect(problemDetail({ ...guard, params: {} }, 'ro')).toBe('Condiția acestei schimbări de stare nu este îndeplinită.');
  // English keeps the server's own (most specific) words when no template fits.
  expect(problemDetail({ ...guard, params: {} }, 'en')).toBe('the amount is required');
  expect(problemDetail({ code: 'DELETE_RESTRICTED', detail: 'x', params: { referencedBy: 'Transakcje', field: 'Klient', count: 2 } }, 'pl')).toBe('Nie można usunąć: 2 rekord(ów) typu Transakcje wciąż się do niego odwołuje (pole Klient). Najpierw je usuń albo powiąż z innym.');
  expect(problemDetail({ code: 'SOMETHING_NEW', detail: 'as the server says' }, 'pl')).toBe('as the server says');
});
