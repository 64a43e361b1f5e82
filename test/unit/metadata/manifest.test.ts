// Manifest settings that reach beyond one item: the business time zone, navigation modules.
import { validatePackage } from '../../../metadata/index.ts';

test('an unknown time zone in the manifest is refused with its pointer', () => {
  const result = validatePackage({ files: { 'tessera.json': { kind: 'manifest', name: 't', version: '1', timeZone: 'Europe/Atlantis' } } });
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.errors[0]).toMatchObject({ file: 'tessera.json', pointer: '/timeZone' });
});

test('entity types name only declared modules when the manifest declares them', () => {
  const files = (module: string) => ({
    'tessera.json': { kind: 'manifest', name: 't', version: '1', modules: { sales: { label: { en: 'Sales', pl: 'Sprzedaż' } } } },
    'entities/deal.json': { kind: 'entity', id: 'd', name: 'deal', module, label: { en: 'Deal' }, fields: [{ id: 'd.n', name: 'title', type: 'string', label: { en: 'Title' } }] },
  });
  expect(validatePackage({ files: files('sales') }).ok).toBe(true);
  const bad = validatePackage({ files: files('selling') });
  expect(bad.ok).toBe(false);
  if (!bad.ok) expect(bad.errors[0]).toMatchObject({ code: 'META_UNKNOWN_MODULE', file: 'entities/deal.json', pointer: '/module' });
});
