// The folder side of `tessera automation export|import <dir>`: the stored flows written as files
// (flow-files.ts), and a folder of such files stored as the flows — a deploy like the editor's,
// with its audit row (deployed by `cli`), which running servers load at their next look.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { filesToFlows, flowFileText, flowsToFiles, type FlowNode } from './flow-files.ts';
import { DatabaseFlowStorage } from './storage.ts';

/** Files an export writes (and replaces): `<position>-<name>.json` and global.json. */
const EXPORTED = /^(\d+-.+|global)\.json$/;

/** Writes the stored flows into `dir` (removing files of an earlier export that no longer match a tab); returns the names written. */
export async function exportFlows(platform: Platform, dir: string): Promise<string[]> {
  const flows = (await new DatabaseFlowStorage(platform.knex, platform.keyring).getFlows()) as unknown as FlowNode[];
  const files = flowsToFiles(flows);
  await mkdir(dir, { recursive: true });
  const keep = new Set(files.map((f) => f.name));
  for (const name of await readdir(dir)) if (EXPORTED.test(name) && !keep.has(name)) await rm(join(dir, name));
  for (const file of files) await writeFile(join(dir, file.name), flowFileText(file));
  return files.map((f) => f.name);
}

/** Stores the flows of the files in `dir`, unless they are the stored ones already. */
export async function importFlows(platform: Platform, dir: string): Promise<{ ok: true; changed: boolean; nodes: number; rev: number } | { ok: false; problems: Problem[] }> {
  const texts = new Map<string, string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json'))) texts.set(name, await readFile(join(dir, name), 'utf8'));
  if (texts.size === 0) return { ok: false, problems: [{ pointer: '/', detail: `no .json flow files in ${dir}`, code: 'REQUIRED' }] };
  const read = filesToFlows(texts);
  if (!read.ok) return read;
  const storage = new DatabaseFlowStorage(platform.knex, platform.keyring);
  const stored = (await storage.getFlows()) as unknown as FlowNode[];
  // Compared in the files' order: an export imported again changes nothing.
  if (JSON.stringify(flowsToFiles(stored).flatMap((f) => f.nodes)) === JSON.stringify(read.flows)) return { ok: true, changed: false, nodes: read.flows.length, rev: await storage.storedRev() };
  await storage.saveFlows(read.flows as unknown as Parameters<DatabaseFlowStorage['saveFlows']>[0], { username: 'cli' });
  return { ok: true, changed: true, nodes: read.flows.length, rev: storage.knownRev };
}

