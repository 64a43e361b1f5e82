// A metadata package as a zip of its files, for git (pure): exported as a package folder would be
// (`tessera.json`, `entities/contractor.json`, … as pretty JSON), and read back from such a zip,
// also one whose files sit in one top folder (a zipped package folder). What is read is only a
// working copy: it reaches the database through the designer's plan → apply like any other edit.
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

export type ZipProblem = { readonly code: 'ZIP_UNREADABLE' } | { readonly code: 'ZIP_NO_MANIFEST' } | { readonly code: 'ZIP_BAD_JSON'; readonly file: string };

export type ZipResult = { readonly ok: true; readonly files: Record<string, unknown> } | { readonly ok: false; readonly problem: ZipProblem };

const MANIFEST = 'tessera.json';

/** The package's files as a zip, in path order (the same package gives the same files). */
export function packageZip(files: Readonly<Record<string, unknown>>): Uint8Array<ArrayBuffer> {
  const entries = Object.keys(files)
    .sort()
    .map((path) => [path, strToU8(`${JSON.stringify(files[path], null, 2)}\n`)] as const);
  // fflate allocates plain ArrayBuffers (never shared ones): a Blob takes them as they are.
  return zipSync(Object.fromEntries(entries), { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/** The package in a zip: its .json files by path (other files, e.g. a README, are left out). */
export function packageFromZip(bytes: Uint8Array): ZipResult {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => file.name.endsWith('.json') });
  } catch {
    return { ok: false, problem: { code: 'ZIP_UNREADABLE' } };
  }
  const paths = Object.keys(entries);
  // A zipped folder: every path under one top folder that holds the manifest.
  const top = paths.find((p) => p.endsWith(`/${MANIFEST}`) && p.split('/').length === 2)?.split('/')[0];
  const root = paths.includes(MANIFEST) ? '' : top && paths.every((p) => p.startsWith(`${top}/`)) ? `${top}/` : null;
  if (root === null) return { ok: false, problem: { code: 'ZIP_NO_MANIFEST' } };
  const files: Record<string, unknown> = {};
  for (const path of paths.sort()) {
    try {
      files[path.slice(root.length)] = JSON.parse(strFromU8(entries[path]!));
    } catch {
      return { ok: false, problem: { code: 'ZIP_BAD_JSON', file: path } };
    }
  }
  return { ok: true, files };
}
