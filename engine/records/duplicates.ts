// Duplicate rules in SQL (metadata/duplicates.ts decides what a value is compared as): the
// predicate "this row matches these values under this rule", and the lock that makes a refusing
// rule hold under concurrent writes.
import type { Knex } from 'knex';
import { applicableRules, type DuplicateOperand, type DuplicateRule, type EntityModel } from '../../metadata/index.ts';

/** Whitespace-collapsed, case- and diacritic-folded text; the same on both sides. */
const foldedSql = (expr: string) => `regexp_replace(btrim(tessera.fold(${expr})), '\\s+', ' ', 'g')`;

function whereOperand(qb: Knex.QueryBuilder, column: string, operand: DuplicateOperand): void {
  switch (operand.kind) {
    case 'folded':
      qb.whereRaw(`${foldedSql('??::text')} = ${foldedSql('?::text')}`, [column, operand.value]);
      break;
    case 'lower':
      qb.whereRaw('lower(??::text) = lower(?::text)', [column, operand.value]);
      break;
    case 'phone':
      qb.whereRaw(`right(regexp_replace(??::text, '\\D', '', 'g'), ${operand.value.length}) = ?`, [column, operand.value]);
      break;
    case 'anyOf':
      qb.whereIn(column, [...operand.values]);
      break;
    case 'equal':
      // Compared as text: a value the column's type would refuse (a malformed id or date) matches nothing instead of failing.
      qb.whereRaw('??::text = ?', [column, String(operand.value)]);
      break;
  }
}

export interface RuleQuery {
  readonly rule: DuplicateRule;
  /** Live rows of the entity's table matching the rule for the values (not the excluded record). */
  readonly where: (qb: Knex.QueryBuilder) => void;
  /** A key naming "this rule with these values", for an advisory lock serialising writers of the same values. */
  readonly lockKey: string;
}

/** The rules of `entity` that apply to `values` (of `actions`), each as a query predicate. */
export function duplicateQueries(entity: EntityModel, values: Readonly<Record<string, unknown>>, actions: readonly DuplicateRule['action'][], exclude: string | null): RuleQuery[] {
  const rules = entity.duplicates.filter((r) => actions.includes(r.action));
  return applicableRules(rules, entity.fieldsByName, values).map(({ rule, operands }) => ({
    rule,
    where: (qb) => {
      qb.whereNull(`${entity.table}.deleted_at`);
      if (exclude) qb.whereNot(`${entity.table}.id`, exclude);
      for (const { field, operand } of operands) whereOperand(qb, `${entity.table}.${field}`, operand);
    },
    lockKey: `duplicate:${entity.name}:${rule.id}:${JSON.stringify(operands.map((o) => o.operand))}`,
  }));
}

/** Holds the lock of a rule's values until the transaction ends: a concurrent writer of the same values waits, then sees this record. */
export async function lockDuplicateKey(trx: Knex.Transaction, key: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
}
