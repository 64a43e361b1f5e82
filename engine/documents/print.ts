// Printing a record with a document template: read the record, its company (issuer) and recipient
// and the titles of the records it names — all with the printing user's rights, so a field or record
// they may not read is not printed — lay it out (layout.ts) and render the PDF (pdf-render.ts).
// Attaching stores the PDF in tessera.files and sets the template's attachment field in one
// transaction, as an update by the user (their update and field rights apply; audited as theirs).
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isoLocalDate, templateLanguages, type DocumentLanguage, type DocumentTemplate, type EntityModel, type Field, type Model } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import type { ApiRecord, LiveMetadata, RecordContext, RecordService } from '../records/index.ts';
import { labelIn } from './document-values.ts';
import { buildDocument, type DocDefinition, type PdfNode } from './layout.ts';
import { renderPdf } from './pdf-render.ts';

export interface Printing {
  readonly knex: Knex;
  readonly records: RecordService;
  readonly runtime: LiveMetadata;
}

export interface Printout {
  readonly pdf: Buffer;
  readonly fileName: string;
  readonly template: DocumentTemplate;
  readonly language: DocumentLanguage;
  readonly record: ApiRecord;
}

/** The document templates of an entity type, in package order. */
export function templatesOf(model: Model, entity: string): DocumentTemplate[] {
  return model.pkg.documentTemplates.filter((t) => t.entity === entity);
}

export function findTemplate(model: Model, entity: string, name: string): DocumentTemplate {
  const template = templatesOf(model, entity).find((t) => t.name === name);
  if (!template) throw new TesseraError('NOT_FOUND', `${entity} has no document template "${name}"`);
  return template;
}

function chooseLanguage(template: DocumentTemplate, requested: string | undefined): DocumentLanguage {
  const languages = templateLanguages(template);
  if (requested === undefined) return languages[0]!;
  const language = languages.find((l) => l === requested);
  if (!language) {
    throw new TesseraError('BAD_QUERY', `template ${template.name} prints in ${languages.join(', ')}, not "${requested}"`, {
      problems: [{ pointer: '/query/lang', detail: `must be one of ${languages.join(', ')}`, code: 'ENUM', params: { allowed: languages } }],
    });
  }
  return language;
}

const idOf = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null);
const targetOf = (field: Field | undefined): string | null => (field && (field.type === 'reference' || field.type === 'manyToMany') ? field.target : null);

/** A record the user may read, or null (a reference they may not follow prints nothing). */
async function readable(records: RecordService, ctx: RecordContext, entity: string, id: string | null): Promise<ApiRecord | null> {
  if (!id) return null;
  return records.get(ctx, entity, id).catch(() => null);
}

async function companyOf(printing: Printing, ctx: RecordContext, model: Model, template: DocumentTemplate, entity: EntityModel, record: ApiRecord): Promise<ApiRecord | null> {
  const spec = template.company;
  if (!spec) return null;
  if (spec.path?.length) {
    let owner: EntityModel | undefined = entity;
    let current: ApiRecord | null = record;
    for (const name of spec.path) {
      const target = targetOf(owner?.fieldsByName.get(name));
      current = current && target ? await readable(printing.records, ctx, target, idOf(current[name])) : null;
      owner = target ? model.entities.get(target) : undefined;
    }
    if (current) return current;
  }
  // No path, or one the user cannot follow (a deal they may not read): the first unit they may read.
  const first = await printing.records.list(ctx, spec.entity, { limit: 1 }).catch(() => null);
  return first?.data[0] ?? null;
}

/** Titles of every record the printed values name, read with the user's rights (unreadable: none). */
async function titlesOf(printing: Printing, ctx: RecordContext, model: Model, sources: readonly { entity: EntityModel; records: readonly ApiRecord[] }[]): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  for (const { entity, records } of sources) {
    for (const field of entity.fields) {
      const target = targetOf(field);
      if (!target || !model.entities.has(target)) continue;
      for (const record of records) {
        const value = record[field.name];
        const ids = Array.isArray(value) ? value.map(idOf) : [idOf(value)];
        for (const id of ids) if (id) (wanted.get(target) ?? wanted.set(target, new Set()).get(target)!).add(id);
      }
    }
  }
  const titles = new Map<string, string>();
  await Promise.all(
    [...wanted].map(async ([target, ids]) => {
      const displayField = model.entities.get(target)!.displayField;
      const list = [...ids];
      for (let i = 0; i < list.length; i += 500) {
        const page = await printing.records.list(ctx, target, { filter: { id: { in: list.slice(i, i + 500) } }, fields: [displayField], limit: 500 }).catch(() => null);
        for (const r of page?.data ?? []) if (typeof r.id === 'string' && r[displayField] !== null && r[displayField] !== undefined) titles.set(r.id, String(r[displayField]));
      }
    }),
  );
  return titles;
}

/** The layout of one record read with the user's rights (its company, recipient and titles too). */
async function definitionFor(printing: Printing, ctx: RecordContext, entityName: string, record: ApiRecord, template: DocumentTemplate, chosen: DocumentLanguage, given: GivenText = {}): Promise<DocDefinition> {
  const { model } = printing.runtime.snapshot;
  const entity = printing.runtime.entity(entityName).entity;
  const linesField = template.lines ? entity.fieldsByName.get(template.lines.field) : undefined;
  const lineType = linesField?.type === 'lines' ? model.entities.get(linesField.target) : undefined;
  const companyEntity = template.company ? model.entities.get(template.company.entity) : undefined;
  const companyRecord = companyEntity ? await companyOf(printing, ctx, model, template, entity, record) : null;
  const recipientTarget = template.recipient ? targetOf(entity.fieldsByName.get(template.recipient.field)) : null;
  const recipientEntity = recipientTarget ? model.entities.get(recipientTarget) : undefined;
  const recipientRecord = recipientEntity && template.recipient ? await readable(printing.records, ctx, recipientEntity.name, idOf(record[template.recipient.field])) : null;
  const lines = template.lines && Array.isArray(record[template.lines.field]) ? (record[template.lines.field] as ApiRecord[]) : [];
  const titles = await titlesOf(printing, ctx, model, [
    { entity, records: [record] },
    ...(lineType ? [{ entity: lineType, records: lines }] : []),
    ...(companyEntity && companyRecord ? [{ entity: companyEntity, records: [companyRecord] }] : []),
    ...(recipientEntity && recipientRecord ? [{ entity: recipientEntity, records: [recipientRecord] }] : []),
  ]);
  const manifest = model.pkg.manifest;
  return buildDocument({
    template,
    language: chosen,
    entity,
    ...(lineType ? { lineType } : {}),
    record,
    company: companyEntity && companyRecord ? { entity: companyEntity, record: companyRecord } : null,
    ...(companyEntity ? { companyEntity } : {}),
    recipient: recipientEntity && recipientRecord ? { entity: recipientEntity, record: recipientRecord } : null,
    titles,
    defaultCurrency: manifest.defaultCurrency ?? manifest.currencies?.[0] ?? 'PLN',
    today: isoLocalDate(new Date(), manifest.timeZone ?? 'UTC'),
    ...(given.body !== undefined ? { body: given.body } : {}),
    ...(given.subject !== undefined ? { subject: given.subject } : {}),
  });
}

/** A file name from a document title: no path separators, reserved or control characters. */
function fileNameOf(title: string): string {
  return `${[...title].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '-' : c)).join('').replace(/-+/g, '-').trim().slice(0, 200)}.pdf`;
}

/** Prints one record with a template of its type, in a language the template prints in (default: its first). */
export async function printRecord(printing: Printing, ctx: RecordContext, entityName: string, id: string, templateName: string, language?: string): Promise<Printout> {
  const template = findTemplate(printing.runtime.snapshot.model, entityName, templateName);
  const chosen = chooseLanguage(template, language);
  const record = await printing.records.get(ctx, entityName, id);
  const definition = await definitionFor(printing, ctx, entityName, record, template, chosen);
  const pdf = await renderPdf(definition);
  return { pdf, fileName: fileNameOf(definition.info.title || `${entityName}-${id}`), template, language: chosen, record };
}

/** A serial letter's subject and text, given at print time (`{{_subject}}`, `{{_body}}` in the template). */
export interface GivenText {
  readonly subject?: string;
  readonly body?: string;
}

/** At most this many records in one serial printout. */
export const MAX_SERIAL_RECORDS = 500;

/**
 * Serial printing (letters to many contractors): the records, in the order given, each laid out with
 * the template and starting on a new page of one PDF. Every record is read with the user's rights;
 * one they may not read refuses the whole printout, naming it (`/ids/<i>`), before anything is laid out.
 */
export async function printRecords(printing: Printing, ctx: RecordContext, entityName: string, ids: readonly string[], templateName: string, language?: string, given: GivenText = {}): Promise<{ pdf: Buffer; fileName: string; language: DocumentLanguage; count: number }> {
  const template = findTemplate(printing.runtime.snapshot.model, entityName, templateName);
  const chosen = chooseLanguage(template, language);
  const records = await Promise.all(ids.map((id) => printing.records.get(ctx, entityName, id).catch(() => null)));
  const missing = records.flatMap((r, i) => (r ? [] : [i]));
  if (missing.length) {
    throw new TesseraError('VALIDATION_FAILED', `${missing.length} of the ${entityName} records cannot be printed: they do not exist or you may not read them`, {
      problems: missing.map((i) => ({ pointer: `/ids/${i}`, detail: `no ${entityName} ${ids[i]} you may read`, code: 'NOT_FOUND' })),
    });
  }
  const definitions: DocDefinition[] = [];
  for (const record of records) definitions.push(await definitionFor(printing, ctx, entityName, record!, template, chosen, given));
  const [first] = definitions;
  const content = definitions.flatMap((d, i) => (i === 0 ? d.content : [{ text: '', pageBreak: 'before' } as PdfNode, ...d.content]));
  const pdf = await renderPdf({ ...first!, content, info: { ...first!.info, title: labelOf(template, chosen) } });
  return { pdf, fileName: fileNameOf(`${labelOf(template, chosen)} (${records.length})`), language: chosen, count: records.length };
}

const labelOf = (template: DocumentTemplate, language: DocumentLanguage): string => labelIn(template.label, language);

export interface AttachedPrintout {
  readonly file: { readonly id: string; readonly name: string; readonly mediaType: string; readonly size: number; readonly sha256: string };
  readonly record: ApiRecord;
}

/** Prints the record and stores the PDF in the template's attachment field (`attachTo`). */
export async function attachPrintout(printing: Printing, ctx: RecordContext, entityName: string, id: string, templateName: string, language?: string): Promise<AttachedPrintout> {
  const template = findTemplate(printing.runtime.snapshot.model, entityName, templateName);
  if (template.attachTo === undefined) {
    throw new TesseraError('CONFLICT', `document template ${template.name} names no attachment field ("attachTo"): it can be printed, not attached`);
  }
  const printout = await printRecord(printing, ctx, entityName, id, templateName, language);
  const sha256 = createHash('sha256').update(printout.pdf).digest('hex');
  return printing.knex.transaction(async (trx) => {
    const [row] = (await trx('tessera.files')
      .insert({ name: printout.fileName, media_type: 'application/pdf', size: printout.pdf.length, sha256, content: printout.pdf, created_by: ctx.actor.userId })
      .returning(['id'])) as { id: string }[];
    const record = await printing.records.update({ ...ctx, trx }, entityName, id, { [template.attachTo!]: row!.id }, { expectedVersion: Number(printout.record.version), allowReadOnly: true });
    return { file: { id: row!.id, name: printout.fileName, mediaType: 'application/pdf', size: printout.pdf.length, sha256 }, record };
  });
}
