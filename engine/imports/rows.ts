// One row of a file → the input of a record (references still as text to look up) and the problems
// of the cells that could not be read. Empty cells are left out: an import never clears a field by
// omission, and a required field left empty is refused by the records service as any write is. Pure.
import { CURRENCY_SUFFIX } from '../../metadata/index.ts';
import type { Problem } from '../errors.ts';
import { cellValue, type CellContext } from './cells.ts';

export interface RowInput {
  readonly input: Record<string, unknown>;
  readonly problems: Problem[];
}

export function rowInput(headers: readonly string[], cells: readonly string[], mapping: Readonly<Record<string, string | null>>, ctx: CellContext): RowInput {
  const input: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const currencies = new Map<string, string>();
  headers.forEach((header, i) => {
    const target = mapping[header];
    const raw = (cells[i] ?? '').trim();
    if (!target || raw === '') return;
    if (target.endsWith(CURRENCY_SUFFIX) && ctx.entity.fieldsByName.get(target.slice(0, -CURRENCY_SUFFIX.length))?.type === 'money') {
      currencies.set(target.slice(0, -CURRENCY_SUFFIX.length), raw.toUpperCase());
      return;
    }
    const field = ctx.entity.fieldsByName.get(target);
    if (!field) return;
    const result = cellValue(field, raw, ctx);
    if ('problem' in result) problems.push(result.problem);
    else input[field.name] = result.value;
  });
  for (const [name, currency] of currencies) {
    const money = input[name] as { amount: number; currency: string } | undefined;
    if (money) input[name] = { ...money, currency };
  }
  return { input, problems };
}
