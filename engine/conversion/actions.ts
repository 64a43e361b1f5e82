// Record actions (metadata: an entity type's `actions`), run on the server as the record page's
// buttons ask: the action must be declared on the type and its condition hold for the record as the
// user reads it. A conversion action runs the declared conversion (declared.ts); a workflow action
// starts the latest deployed version of the process about the record, for users who may change the
// record (or administer workflows), acting with their rights.
import type { Knex } from 'knex';
import { feelConditionHolds, mappingContext, type RecordAction } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import type { RecordContext, RecordService } from '../records/index.ts';
import { runConversion, type DeclaredConversionResult } from './declared.ts';

/** What starts a process about a record (the workflow runtime). */
export interface ProcessStarter {
  startInstance(ctx: RecordContext, request: { readonly processId: string; readonly record: { readonly entity: string; readonly id: string } }): Promise<string>;
}

export type RecordActionResult =
  | { readonly action: string; readonly kind: 'conversion'; readonly result: DeclaredConversionResult }
  | { readonly action: string; readonly kind: 'workflow'; readonly instance: string };

function declaredAction(records: RecordService, entityName: string, name: string): RecordAction {
  const action = records.runtime.entity(entityName).entity.actions.find((a) => a.name === name);
  if (!action) throw new TesseraError('NOT_FOUND', `${entityName} has no action "${name}"`, { problems: [{ pointer: '/action', detail: `no action "${name}"`, code: 'UNKNOWN_ACTION', params: { entity: entityName } }] });
  return action;
}

/** Runs the declared action `name` on one record; see the top of the file. */
export async function runRecordAction(records: RecordService, knex: Knex, processes: ProcessStarter, ctx: RecordContext, entityName: string, id: string, name: string): Promise<RecordActionResult> {
  const action = declaredAction(records, entityName, name);
  const record = await records.get(ctx, entityName, id);
  const { model } = records.runtime.snapshot;
  if (action.when !== undefined && !feelConditionHolds(action.when, mappingContext(model, records.runtime.entity(entityName).entity, record))) {
    throw new TesseraError('CONFLICT', `action "${name}" is not available for this ${entityName} now`, { problems: [{ pointer: '', detail: `the condition of action "${name}" does not hold`, code: 'ACTION_NOT_ALLOWED', params: { entity: entityName } }] });
  }
  if (action.conversion !== undefined) return { action: name, kind: 'conversion', result: await runConversion(records, knex, ctx, entityName, id, action.conversion) };
  // Starting a process is an action on the record: for whoever may change it (or administers workflows).
  const access = ctx.actor.access;
  if (access && !access.can('administerWorkflows')) await records.checkUpdate(ctx, entityName, id, {});
  const instance = await processes.startInstance(ctx, { processId: action.workflow!, record: { entity: entityName, id } });
  return { action: name, kind: 'workflow', instance };
}
