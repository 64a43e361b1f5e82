// A metadata package as a zip for git: exported as a package folder would be, read back from such a
// zip (also a zipped folder), and refused with a typed problem when it is not one.
import { strToU8, zipSync } from 'fflate';
import { loadPackageDir } from '../../../metadata/index.ts';
import { packageFromZip, packageZip } from '../../../ui/src/pages/designer/package-zip.ts';

const files = { 'tessera.json': { kind: 'manifest', name: 'crm' }, 'entities/contractor.json': { kind: 'entity', id: 'crm.contractor', name: 'contractor', fields: [] } };

describe('a metadata package as a zip', () => {
  it('round-trips the fixture package, file by file', async () => {
    const { package: pkg } = await loadPackageDir(new URL('../../fixtures/packages/crm-mini/', import.meta.url).pathname);
    const zip = packageZip(pkg.files);
    expect(packageFromZip(zip)).toEqual({ ok: true, files: pkg.files });
    // The same package gives the same bytes: an export committed to git changes only with the package.
    expect(packageZip(pkg.files)).toEqual(zip);
  });

  it('reads a zipped package folder and leaves out what is not JSON', () => {
    const zip = zipSync({ 'crm/tessera.json': strToU8('{"kind":"manifest","name":"crm"}'), 'crm/entities/contractor.json': strToU8(JSON.stringify(files['entities/contractor.json'])), 'crm/README.md': strToU8('# crm') });
    expect(packageFromZip(zip)).toEqual({ ok: true, files });
  });

  it('refuses what is not a package, naming why', () => {
    expect(packageFromZip(strToU8('not a zip'))).toEqual({ ok: false, problem: { code: 'ZIP_UNREADABLE' } });
    expect(packageFromZip(zipSync({ 'entities/a.json': strToU8('{}') }))).toEqual({ ok: false, problem: { code: 'ZIP_NO_MANIFEST' } });
    expect(packageFromZip(zipSync({ 'tessera.json': strToU8('{}'), 'entities/a.json': strToU8('{oops') }))).toEqual({ ok: false, problem: { code: 'ZIP_BAD_JSON', file: 'entities/a.json' } });
  });
});
