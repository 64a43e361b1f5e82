// Document templates (printouts to PDF): the semantic checks of the meta-schema's DocumentTemplate.
// Every name points at a field of the right kind, placeholders parse, and a template's name is unique
// within its entity type. The layout and rendering are the engine's (engine/documents).
import type { MetadataErrorCode } from './errors.ts';
import { compileTemplate, TemplateProblem } from './merge-template.ts';
import type { EntityModel, Model } from './model.ts';
import type { DocumentTemplate, DocumentText, Field } from './schema/types.generated.ts';

export type DocumentLanguage = 'pl' | 'en' | 'ro' | 'de';
export const DOCUMENT_LANGUAGES: readonly DocumentLanguage[] = ['pl', 'en', 'ro', 'de'];

/** The languages a template prints in (its first is the default). */
export const templateLanguages = (template: DocumentTemplate): readonly DocumentLanguage[] => template.languages ?? DOCUMENT_LANGUAGES;

/** A document text in a language; en when that language has none. */
export const documentText = (text: DocumentText | undefined, language: DocumentLanguage): string | undefined => (text ? (text[language] ?? text.en) : undefined);

export const NUMBER_FIELD_TYPES: ReadonlySet<Field['type']> = new Set(['integer', 'decimal', 'money', 'percent']);

export interface TemplateProblemEntry {
  readonly code: MetadataErrorCode;
  readonly id: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export function documentTemplateProblems(model: Model, templates: readonly DocumentTemplate[]): TemplateProblemEntry[] {
  const problems: TemplateProblemEntry[] = [];
  const seen = new Set<string>();
  for (const t of templates) {
    const at = (code: MetadataErrorCode, path: readonly (string | number)[], message: string) => problems.push({ code, id: t.id, path, message });
    const key = `${t.entity}/${t.name}`;
    if (seen.has(key)) at('META_DUPLICATE_NAME', ['name'], `${t.entity} already has a document template "${t.name}"`);
    seen.add(key);
    const entity = model.entities.get(t.entity);
    if (!entity) {
      at('META_UNKNOWN_ENTITY', ['entity'], `unknown entity type "${t.entity}"`);
      continue;
    }
    const fieldOf = (owner: EntityModel, name: string, path: readonly (string | number)[]): Field | undefined => {
      const field = owner.fieldsByName.get(name);
      if (!field) at('META_UNKNOWN_FIELD', path, `entity type ${owner.name} has no field "${name}"`);
      return field;
    };
    const kindOf = (owner: EntityModel, name: string, path: readonly (string | number)[], kinds: ReadonlySet<Field['type']>, what: string): Field | undefined => {
      const field = fieldOf(owner, name, path);
      if (field && !kinds.has(field.type)) at('META_DOCUMENT_TEMPLATE', path, `${owner.name}.${name} is a ${field.type} field, not ${what}`);
      return field && kinds.has(field.type) ? field : undefined;
    };
    const targetOf = (field: Field | undefined): EntityModel | undefined => (field && 'target' in field && typeof field.target === 'string' ? model.entities.get(field.target) : undefined);
    t.fields?.forEach((name, i) => fieldOf(entity, name, ['fields', i]));
    t.totals?.forEach((name, i) => fieldOf(entity, name, ['totals', i]));
    if (t.company) {
      const company = model.entities.get(t.company.entity);
      if (!company) at('META_UNKNOWN_ENTITY', ['company', 'entity'], `unknown entity type "${t.company.entity}"`);
      else {
        let owner: EntityModel | undefined = entity;
        t.company.path?.forEach((name, i) => {
          if (owner) owner = targetOf(kindOf(owner, name, ['company', 'path', i], new Set(['reference']), 'a reference'));
        });
        if (t.company.path?.length && owner && owner.name !== company.name) at('META_DOCUMENT_TEMPLATE', ['company', 'path'], `the path leads to ${owner.name}, not ${company.name}`);
        t.company.fields.forEach((name, i) => fieldOf(company, name, ['company', 'fields', i]));
      }
    }
    if (t.recipient) {
      const target = targetOf(kindOf(entity, t.recipient.field, ['recipient', 'field'], new Set(['reference']), 'a reference'));
      if (target) t.recipient.fields.forEach((name, i) => fieldOf(target, name, ['recipient', 'fields', i]));
    }
    const lineType = t.lines ? targetOf(kindOf(entity, t.lines.field, ['lines', 'field'], new Set(['lines']), 'a lines field')) : undefined;
    if (lineType && t.lines) t.lines.columns.forEach((name, i) => fieldOf(lineType, name, ['lines', 'columns', i]));
    if (t.vatSummary) {
      if (!lineType) at('META_DOCUMENT_TEMPLATE', ['vatSummary'], 'a VAT summary sums the lines: declare "lines"');
      else {
        kindOf(lineType, t.vatSummary.rate, ['vatSummary', 'rate'], new Set(['enum', 'string', 'percent', 'decimal', 'integer']), 'a rate');
        for (const part of ['net', 'vat', 'gross'] as const) kindOf(lineType, t.vatSummary[part], ['vatSummary', part], NUMBER_FIELD_TYPES, 'a number');
      }
    }
    if (t.amountInWords) {
      kindOf(entity, t.amountInWords.field, ['amountInWords', 'field'], NUMBER_FIELD_TYPES, 'a number or money field');
      if (t.amountInWords.currencyField !== undefined) kindOf(entity, t.amountInWords.currencyField, ['amountInWords', 'currencyField'], new Set(['enum', 'string']), 'an enum or text holding a currency code');
    }
    if (t.attachTo !== undefined) kindOf(entity, t.attachTo, ['attachTo'], new Set(['attachment']), 'an attachment field');
    for (const part of ['title', 'text', 'footer'] as const) {
      for (const [language, source] of Object.entries(t[part] ?? {})) {
        try {
          compileTemplate(source);
        } catch (e) {
          if (!(e instanceof TemplateProblem)) throw e;
          at('META_DOCUMENT_TEMPLATE', [part, language], `${e.message} (at character ${e.offset})`);
        }
      }
    }
  }
  return problems;
}
