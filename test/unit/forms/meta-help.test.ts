// The designer's help (the meta-schema's descriptions) exists in Polish and Romanian: a description
// added to the meta-schema without its translations fails here.
import { localizeDescriptions, META_HELP, metaFieldForm, metaItemForm } from '../../../forms/index.ts';
import { metaSchema } from '../../../metadata/schema/meta-schema.ts';

function descriptions(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) descriptions(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'description' && typeof v === 'string') found.add(v);
      else descriptions(v, found);
    }
  }
  return found;
}

test('every description of the meta-schema has Polish and Romanian words', () => {
  const all = [...descriptions(metaSchema)];
  expect(all.length).toBeGreaterThan(50);
  expect(all.filter((d) => !META_HELP.get(d)?.pl?.trim() || !META_HELP.get(d)?.ro?.trim())).toEqual([]);
});

test('the designer’s forms carry their help in the analyst’s language', () => {
  const pl = localizeDescriptions(metaItemForm(metaSchema, 'entity'), 'pl');
  expect(JSON.stringify(pl.schema)).toContain('Pole pokazywane jako tytuł rekordu i w wyszukiwarkach rekordów.');
  expect(JSON.stringify(pl.schema)).not.toContain('Field shown as the record');
  const ro = localizeDescriptions(metaFieldForm(metaSchema, 'string'), 'ro');
  expect(JSON.stringify(ro.schema)).toContain('Unic între înregistrările neșterse.');
  // English is the schema itself.
  const en = metaItemForm(metaSchema, 'entity');
  expect(localizeDescriptions(en, 'en')).toBe(en);
});
