// Server problems in the user's language. A problem carries a code and parameters
// (engine/errors.ts); the names among them (entity types, fields, states, activity kinds) become
// the metadata's labels here, and forms/problem-words.ts words the code with them. Without a
// wording, the server's detail is shown.
import { useCallback } from 'react';
import { pointerField, problemDetail, problemText, type FieldProblem } from '../../../forms/index.ts';
import { labelText, type Model, type Label } from '../../../metadata/browser.ts';
import { ApiError, type Problem, type ProblemEntry } from '../api/client.ts';
import { useI18n } from './i18n.tsx';
import { useOptionalModel } from './meta.tsx';
import type { Language } from './messages.ts';

const isLabel = (value: unknown): value is Label => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

/** A problem's parameters as the reader should see them: names → labels, labels → the language's text. Pure. */
export function readableParams(model: Model | null, params: Readonly<Record<string, unknown>> | undefined, language: Language): Record<string, string | number> | undefined {
  if (!params) return undefined;
  const out: Record<string, string | number> = {};
  const entityOf = (name: unknown) => (typeof name === 'string' ? model?.entities.get(name) : undefined);
  const entity = entityOf(params.entity);
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'number') out[key] = value;
    else if (isLabel(value)) out[key] = labelText(value, language);
    else if (Array.isArray(value)) out[key] = value.map((v) => (typeof v === 'string' ? (entity?.fieldsByName.get(v) ? labelText(entity.fieldsByName.get(v)!.label, language) : v) : String(v))).join(', ');
    else if (typeof value === 'string') out[key] = value;
  }
  if (entity) out.entity = labelText(entity.label, language);
  const fieldEntity = entityOf(params.fieldEntity) ?? entity;
  const field = typeof params.field === 'string' ? fieldEntity?.fieldsByName.get(params.field) : undefined;
  if (field) out.field = labelText(field.label, language);
  const machine = typeof params.stateField === 'string' ? entity?.machines.get(params.stateField) : undefined;
  for (const key of ['state', 'from', 'to']) {
    const state = machine?.states.find((s) => s.name === params[key]);
    if (state) out[key] = labelText(state.label, language);
  }
  for (const key of ['target', 'referencedBy']) {
    const named = entityOf(params[key]);
    if (named) out[key] = labelText(key === 'referencedBy' ? named.pluralLabel : named.label, language);
  }
  const kind = typeof params.kind === 'string' ? model?.activityKinds.find((k) => k.name === params.kind) : undefined;
  if (kind) out.kind = labelText(kind.label, language);
  return out;
}

/** One entry of a problem's `errors`, its parameters readable (for the forms' problemText). */
export function readableEntry(model: Model | null, entry: ProblemEntry, language: Language): FieldProblem {
  const params = readableParams(model, entry.params, language);
  return { pointer: entry.pointer, detail: entry.detail, ...(entry.code ? { code: entry.code } : {}), ...(params ? { params } : {}) };
}

export interface MessageOptions {
  /** Without the entries of `errors` (when they are shown on their fields). */
  readonly entries?: boolean;
  /** The record type the pointers are into: entries are prefixed by their field's label. */
  readonly entity?: string;
  /** Entries at these pointers are left out (the main sentence says it already). */
  readonly skipPointers?: readonly string[];
}

/** The whole of an error in the user's words: the problem's own sentence, then each value's. */
export function problemMessage(model: Model | null, error: unknown, language: Language, options: MessageOptions = {}): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const problem: Problem = error.problem;
  const raw = problem.params as Readonly<Record<string, unknown>> | undefined;
  const params = readableParams(model, raw, language);
  const main = problemDetail({ detail: problem.detail ?? problem.title ?? error.message, ...(problem.code ? { code: problem.code } : {}), ...(params ? { params } : {}) }, language);
  if (options.entries === false) return main;
  const entity = model?.entities.get(options.entity ?? (typeof raw?.entity === 'string' ? raw.entity : ''));
  const entries = (problem.errors ?? [])
    .filter((e) => !options.skipPointers?.includes(e.pointer))
    .map((e) => {
      const text = problemText(readableEntry(model, e, language), language);
      const field = entity?.fieldsByName.get(pointerField(e.pointer).field);
      return field ? `${labelText(field.label, language)}: ${text}` : text;
    });
  return [main, ...entries.filter((e) => e !== main)].join(' — ');
}

/** Wording of server problems with the loaded model and the user's language. */
export function useProblemWords(): { message(error: unknown, options?: MessageOptions): string; entry(entry: ProblemEntry): FieldProblem } {
  const model = useOptionalModel();
  const { language } = useI18n();
  const message = useCallback((error: unknown, options?: MessageOptions) => problemMessage(model, error, language, options), [model, language]);
  const entry = useCallback((e: ProblemEntry) => readableEntry(model, e, language), [model, language]);
  return { message, entry };
}
