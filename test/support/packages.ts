// Metadata packages of the test fixtures, with what a test adds (roles, mostly).
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';

/** The crm-mini fixture package; `extra` files are added to it (or replace files of the same name). */
export async function crmMiniPackage(extra: Readonly<Record<string, unknown>> = {}): Promise<PackageFiles> {
  const { package: pkg } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  return { files: { ...pkg.files, ...extra } };
}
