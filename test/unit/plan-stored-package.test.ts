// A package read back from the database plans no change. The applied package is stored as jsonb,
// which keeps object keys in its own order (shorter keys first), so anything the plan compares as
// text must not depend on key order: a rollup's definition read back in another order once made
// every later apply recompute every rollup of the table (minutes on a million contractors).
import { loadPackageDir, physicalSchema, planMigration, validatePackage, type PackageFiles } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';

/** Object keys in jsonb's order: by length, then bytewise. */
function asJsonb(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asJsonb);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, asJsonb((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function modelOf(files: PackageFiles) {
  const result = validatePackage(files);
  if (!result.ok) throw new Error('the seed package is invalid');
  return result.model;
}

test('the shipped CRM read back as jsonb plans no step against itself', async () => {
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  const stored = asJsonb(files) as PackageFiles;
  const plan = planMigration(physicalSchema(modelOf(stored)), physicalSchema(modelOf(files)));
  expect(plan.steps.map((s) => s.description)).toEqual([]);
});

test('a rollup whose definition really changes is still rebuilt', async () => {
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  const contractor = files.files['entities/contractor.json'] as { fields: { name: string; rollup?: { filter?: unknown } }[] };
  const rollup = contractor.fields.find((f) => f.rollup !== undefined)!;
  const changed = structuredClone(files);
  const field = (changed.files['entities/contractor.json'] as typeof contractor).fields.find((f) => f.name === rollup.name)!;
  field.rollup = { ...field.rollup!, filter: undefined };
  delete field.rollup.filter;
  const plan = planMigration(physicalSchema(modelOf(asJsonb(files) as PackageFiles)), physicalSchema(modelOf(changed)));
  expect(plan.steps.map((s) => s.step)).toContainEqual({ op: 'rebuildRollups', entity: 'contractor' });
});
