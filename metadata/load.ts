import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { MetadataError } from './errors.ts';
import type { PackageFiles } from './package.ts';

export interface LoadResult {
  readonly package: PackageFiles;
  readonly errors: readonly MetadataError[];
}

/** Reads every *.json file below `dir` (relative paths with '/' as keys). Unparsable files become errors. */
export async function loadPackageDir(dir: string): Promise<LoadResult> {
  const files: Record<string, unknown> = {};
  const errors: MetadataError[] = [];
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).filter((p) => p.endsWith('.json')).sort();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { package: { files }, errors: [{ code: 'META_FILE_UNREADABLE', file: dir, pointer: '', message: reason }] };
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    const key = relative(dir, path).split(sep).join('/');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      errors.push({ code: 'META_FILE_UNREADABLE', file: key, pointer: '', message: reason });
      continue;
    }
    try {
      files[key] = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      errors.push({ code: 'META_JSON_SYNTAX', file: key, pointer: '', message: `invalid JSON: ${reason}` });
    }
  }
  return { package: { files }, errors };
}
