// Creating many records of one type in one transaction (a mail sync's fetch batch, a bulk SMS send,
// an import): the same checks as RecordService.create per item — validation, rules, activity links,
// initial states, the create right and its condition, references, refusing duplicate rules,
// numbering — but with the rights looked up once, references checked in one query per field, the
// rows written by one multi-row INSERT per 500, the audit rows by one INSERT, and the record hooks
// (workflow triggers, automation events, connector hooks) still called per record, in the same
// transaction. All or nothing: one bad item refuses the batch with `/items/<i>/…` pointers.
import { randomUUID } from 'node:crypto';
import { joinTableName, recordFeelContext } from '../../metadata/index.ts';
import { diff } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import { checkRecordGuards } from '../rules/guards.ts';
import { checkInitialStates } from '../rules/machines.ts';
import { assignNumber } from '../rules/numbering.ts';
import { BatchRefusals, checkBatchReferences, checkBatchSize, INSERT_CHUNK, writeBatchLinks, type BulkInternals } from './bulk-items.ts';
import { duplicateQueries } from './duplicates.ts';
import { checkWritable, forbidden, requireAny, ruleAdmits } from './enforce.ts';
import { sealSecrets } from './secret-fields.ts';
import { refuseLineWrite, withComputed, withLookupComputed } from './computed-fields.ts';
import { documentRateValues } from '../exchange-rates/index.ts';
import { isConversion, refuseUnpriced, withPrices } from './pricing.ts';
import { lineWriteProblems, writeLines } from './lines.ts';
import { linesFeedRollups, lockRollupParents, refreshRollups, rollupInitialValues } from './rollup-fields.ts';
import type { RecordContext } from './service.ts';
import { checkRecordRules, validateInput } from './validation.ts';
import { defaultsFor, recordToColumns, type ApiRecord, type Row } from './values.ts';

export interface CreateManyOptions {
  /** Read-only fields may be written (a connector filling the fields it owns); default: only the system actor. */
  readonly allowReadOnly?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function createMany(internals: BulkInternals, ctx: RecordContext, entityName: string, inputs: readonly unknown[], options: CreateManyOptions = {}): Promise<ApiRecord[]> {
  checkBatchSize(inputs, `${entityName} records`);
  const access = internals.accessOf(ctx);
  const rt = internals.runtime.entity(entityName);
  const { entity } = rt;
  const rights = access.entity(entityName);
  refuseLineWrite(entity);
  // Once per batch: the right to create records of the type at all.
  if (!access.unrestricted) requireAny(access, rights, 'create');
  if (inputs.length === 0) return [];
  const refusals = new BatchRefusals(entityName, inputs.length);
  const written = inputs.map((input, i) =>
    refusals.check(i, () => {
      if (!access.unrestricted && isObject(input)) checkWritable(entity, rights, input);
      return validateInput(entity, rt.validators.create, input);
    }),
  );
  refusals.throwIfAny();
  return internals.inTransaction(ctx, async (trx) => {
    const now = new Date();
    const timeZone = internals.runtime.snapshot.model.pkg.manifest.timeZone ?? 'UTC';
    const owner = ctx.actor.owner !== undefined ? ctx.actor.owner : ctx.actor.userId;
    const allowReadOnly = options.allowReadOnly ?? ctx.actor.via === 'system';
    const model = internals.runtime.snapshot.model;
    // Lines' empty prices and discounts from the price lists, as a single create does (pricing.ts), and
    // the documents' exchange rates: read before the synchronous checks.
    const priced: (ApiRecord | undefined)[] = [];
    const rates: ApiRecord[] = [];
    for (const w of written) {
      const p = w ? await withPrices(trx, model, entity, { ...defaultsFor(entity, w.kind, { now, timeZone, userId: ctx.actor.userId }), ...w }, { now, copied: isConversion(ctx.actor) }) : undefined;
      priced.push(p);
      rates.push(p && w ? await documentRateValues(trx, entity, { ...p, ...rollupInitialValues(entity) }, null, w) : {});
    }
    const all = written.map((w, i) =>
      refusals.check(i, () => {
        refuseUnpriced(model, entity, priced[i]!);
        const values: ApiRecord = withComputed(model, entity, { ...priced[i]!, ...rollupInitialValues(entity), ...rates[i] }, { now, timeZone, userId: ctx.actor.userId });
        checkRecordRules(entity, w!, values, { allowReadOnly, lines: lineWriteProblems(model, entity, w!, allowReadOnly), roles: access.subject?.roles });
        internals.checkActivityLinks(entity, values);
        checkInitialStates(entity, values);
        // A conditional create right holds or not per record, as it would be stored.
        if (!access.unrestricted && !ruleAdmits([rights.create], access.subject, entity.name, recordFeelContext(entity.fields.map((f) => f.name), { ...values, owner }))) {
          throw forbidden(`the new ${entity.name} does not meet the condition of your create right`);
        }
        return values;
      }),
    );
    refusals.throwIfAny();
    const values = all as ApiRecord[];
    for (const [i, v] of values.entries()) values[i] = await withLookupComputed(trx, model, entity, null, null, v);
    await lockRollupParents(trx, model, entity, values.map((v) => ({ before: null, after: v })));
    await checkBatchReferences(internals, trx, entity, values, access, refusals);
    refusals.throwIfAny();
    if (entity.guards.length > 0) {
      for (const [i, v] of values.entries()) await refusals.checkAsync(i, () => checkRecordGuards(trx, model, access, entity, null, null, v));
      refusals.throwIfAny();
    }
    if (entity.duplicates.some((r) => r.action === 'refuse')) {
      // Against the stored records (each item's values locked), and between the batch's own items.
      const keys = new Map<string, number>();
      for (const [i, v] of values.entries()) {
        await refusals.checkAsync(i, () => internals.refuseDuplicates(trx, access, rt, v, null));
        for (const query of duplicateQueries(entity, v, ['refuse'], null)) {
          const earlier = keys.get(query.lockKey);
          if (earlier === undefined) keys.set(query.lockKey, i);
          else {
            refusals.add(i, new TesseraError('DUPLICATE_RECORD', `item ${earlier} of the batch has the same ${query.rule.fields.join(', ')}`, {
              problems: query.rule.fields.map((f) => ({ pointer: `/${f}`, detail: `item ${earlier} has this value`, code: 'DUPLICATE' })),
              extensions: { rule: query.rule.id },
            }));
          }
        }
      }
      refusals.throwIfAny();
    }
    if (entity.numbering) for (const v of values) await assignNumber(trx, entity, v, now, timeZone);
    // Ids made here: the returned rows are matched to their items by id, not by RETURNING's order.
    const ids = values.map(() => randomUUID());
    const rows = values.map((v, i) => ({ ...recordToColumns(entity, sealSecrets(entity, v, internals.secrets)), id: ids[i], created_by: ctx.actor.userId, updated_by: ctx.actor.userId, owner }));
    const insertedById = new Map<string, Row>();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const inserted = await internals.write(entity, async () => (await trx(entity.table).insert(chunk).returning('*')) as Row[]);
      for (const row of inserted) insertedById.set(row.id as string, row);
    }
    await writeBatchLinks(trx, entity, (field) => joinTableName(entity.table, field), ids.map((id, i) => ({ id, values: values[i]! })), true);
    if (entity.fields.some((f) => f.type === 'lines')) for (const [i, id] of ids.entries()) await writeLines(internals.lineWriter(trx, ctx.actor), model, entity, id, values[i]!, true);
    await refreshRollups(trx, model, entity, [...insertedById.values()].map((row) => ({ before: null, after: row })));
    // Rollups over the lines just written moved the rows' own values.
    if (linesFeedRollups(model, entity)) for (const row of (await trx(entity.table).whereIn('id', ids)) as Row[]) insertedById.set(row.id as string, row);
    if (entity.exclusions.length > 0) {
      // Each item against the stored records and the batch's earlier items (a collision is reported at the later item).
      for (const [i, id] of ids.entries()) await refusals.checkAsync(i, () => internals.refuseExclusions(trx, access, rt, id, ids.slice(i + 1)));
      refusals.throwIfAny();
    }
    const records = await internals.present(trx, rt, ids.map((id) => insertedById.get(id)!));
    const names = entity.fields.map((f) => f.name);
    const changes = records.map((record) => diff({}, record, names));
    await internals.changed(trx, records.map((record, i) => ({ entity: entity.name, action: 'create', record, previous: null, changes: changes[i]!, transitions: [], actor: ctx.actor })));
    return records.map((record) => internals.visible(access, entity.name, record));
  });
}
