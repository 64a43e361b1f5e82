// Writes as the platform itself (no user) through the records service, for database tests: the
// context, and an update at the record's stored version.
import type { ApiRecord, RecordContext, RecordService } from '../../engine/records/index.ts';

export const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };

/** Updates a record at its stored version, as the platform. */
export async function updateStored(records: RecordService, entity: string, id: string, values: Record<string, unknown>): Promise<ApiRecord> {
  const current = await records.get(SYSTEM, entity, id);
  return records.update(SYSTEM, entity, id, values, { expectedVersion: current.version as number });
}
