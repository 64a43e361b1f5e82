// tessera:issue-recurring — the task of the shipped workflow recurring-invoices: issues the due
// documents of one recurring definition (engine/conversion/recurring.ts) in the step transaction,
// with the rights of the definition's owner whoever runs the workflow (a timer start acts for no one).
import { isoLocalDate } from '../../../metadata/index.ts';
import { issueRecurring } from '../../conversion/recurring.ts';
import { TesseraError } from '../../errors.ts';
import { toJsonValue } from '../expression.ts';
import type { InlineTaskType, TaskInput } from './task-types.ts';

function text(input: TaskInput, name: string): string | null {
  const value = input.parameters[name] ?? input.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

export const issueRecurringTask: InlineTaskType = {
  type: 'tessera:issue-recurring',
  mode: 'inline',
  description: "Issues the due documents of a recurring definition by its conversion, as the definition's owner, one per period: parameters entity, id, conversion, today (YYYY-MM-DD, default the business day), resultVariable.",
  async handler(input, ctx) {
    const entity = text(input, 'entity') ?? ctx.record?.entity;
    const id = text(input, 'id') ?? ctx.record?.id;
    const conversion = text(input, 'conversion');
    if (!entity || !id || !conversion) {
      const missing = !entity ? 'entity' : !id ? 'id' : 'conversion';
      throw new TesseraError('VALIDATION_FAILED', `${input.jobType}: parameter "${missing}" is required`, { problems: [{ pointer: `/${missing}`, detail: 'is required (an input mapping or a task header)' }] });
    }
    const today = text(input, 'today') ?? isoLocalDate(new Date(), ctx.records.runtime.snapshot.model.pkg.manifest.timeZone ?? 'UTC');
    const issued = await issueRecurring(ctx.records, ctx.trx, { entity, id, conversion, today, instanceId: ctx.instanceId });
    const name = text(input, 'resultVariable');
    return name ? { [name]: toJsonValue(issued.map((r) => ({ id: r.id, number: r.number ?? null }))) } : {};
  },
};
