// First start: the default CRM configuration (seed/metadata) and its demo data, loaded through the
// same records service every client uses, so demo data obeys every rule real data does.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { allowedTargets, formatMetadataError, loadPackageDir, type MachineModel, type PackageFiles } from '../metadata/index.ts';
import { demoRecords, SEED_METADATA_DIR, type DemoRecord } from '../seed/index.ts';
import { userIdByLogin } from './access/users.ts';
import type { Platform } from './platform.ts';
import type { RecordContext } from './records/index.ts';

export async function seedPackage(): Promise<PackageFiles> {
  const { package: files, errors } = await loadPackageDir(SEED_METADATA_DIR);
  if (errors.length) throw new Error(`seed metadata unreadable: ${errors.map(formatMetadataError).join('; ')}`);
  return files;
}

const isRef = (v: unknown): v is { $ref: string } => typeof v === 'object' && v !== null && typeof (v as { $ref?: unknown }).$ref === 'string';
const withoutRef = (v: { $ref: string }): Record<string, unknown> => Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$ref'));

/** Resolves {"$ref": …} and {"$user": …} placeholders of demo records to ids. */
function resolve(value: unknown, refs: ReadonlyMap<string, string>, users: ReadonlyMap<string, string>): unknown {
  // Inside a list a reference is a many-to-many link, whose shape is {id, role?}.
  if (Array.isArray(value)) return value.map((v) => (isRef(v) ? { id: resolve(v, refs, users), ...withoutRef(v) } : resolve(v, refs, users)));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const id = refs.get(obj.$ref);
      if (!id) throw new Error(`demo data: unknown $ref ${obj.$ref}`);
      return id;
    }
    if (typeof obj.$user === 'string') {
      const id = users.get(obj.$user);
      if (!id) throw new Error(`demo data: unknown user ${obj.$user}`);
      return id;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, refs, users)]));
  }
  return value;
}

/** States to pass through from `from` to `to` (excluding `from`), breadth first; guards are checked by the engine. */
function shortestPath(machine: MachineModel, from: string, to: string): string[] | null {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const state = queue.shift()!;
    if (state === to) {
      const path: string[] = [];
      for (let s: string | null = to; s !== null && s !== from; s = previous.get(s) ?? null) path.unshift(s);
      return path;
    }
    for (const next of allowedTargets(machine, state)) {
      if (!previous.has(next)) {
        previous.set(next, state);
        queue.push(next);
      }
    }
  }
  return null;
}

export async function loadDemoData(platform: Platform, today: string, records: readonly DemoRecord[] = demoRecords(today)): Promise<number> {
  const adminId = await userIdByLogin(platform.knex, 'admin');
  const users = new Map<string, string>(adminId ? [['admin', adminId]] : []);
  const refs = new Map<string, string>();
  await platform.knex.transaction(async (trx) => {
    const ctx: RecordContext = { actor: { userId: adminId, via: 'system' }, trx };
    for (const demo of records) {
      const values = resolve(demo.values, refs, users) as Record<string, unknown>;
      const { entity } = platform.runtime.entity(demo.entity);
      // Records are born in an initial state; a demo record in a later state walks there through
      // allowed transitions, so its history looks like real use and every guard is checked.
      const targets = new Map<string, string>();
      for (const [field, machine] of entity.machines) {
        const target = values[field];
        if (typeof target === 'string' && !machine.initial.includes(target)) {
          targets.set(field, target);
          delete values[field];
        }
      }
      let record = await platform.records.create(ctx, demo.entity, values, { allowReadOnly: true });
      for (const [field, target] of targets) {
        const path = shortestPath(entity.machines.get(field)!, record[field] as string, target);
        if (!path) throw new Error(`demo data: ${demo.ref} cannot reach ${field} = ${target}`);
        for (const state of path) record = await platform.records.update(ctx, demo.entity, record.id as string, { [field]: state }, { expectedVersion: record.version as number, allowReadOnly: true });
      }
      refs.set(demo.ref, record.id as string);
    }
  });
  return records.length;
}

/** The BPMN workflows that ship with Tessera (the seed's triggers start them). */
export const SHIPPED_WORKFLOWS_DIR: string = fileURLToPath(new URL('../workflows/', import.meta.url));

/**
 * Deploys each shipped workflow whose process is not deployed yet, or whose latest version is an
 * earlier shipped one (so an upgrade brings the shipped fixes). A process whose latest version
 * someone else deployed (an analyst's change) is left alone, so it survives restarts and upgrades.
 * Deploying an unchanged file adds no version.
 */
export async function deployShippedWorkflows(platform: Platform): Promise<string[]> {
  const latest = (await platform.knex.raw(
    `SELECT DISTINCT ON (d.process_id) d.process_id, p.source
       FROM tessera.process_definitions d JOIN tessera.process_deployments p ON p.id = d.deployment_id
      ORDER BY d.process_id, d.version DESC`,
  )) as { rows: { process_id: string; source: string }[] };
  const sourceOf = new Map(latest.rows.map((r) => [r.process_id, r.source]));
  const added: string[] = [];
  for (const file of (await readdir(SHIPPED_WORKFLOWS_DIR)).filter((f) => f.endsWith('.bpmn')).sort()) {
    const xml = await readFile(`${SHIPPED_WORKFLOWS_DIR}${file}`, 'utf8');
    const processId = /<bpmn:process id="([^"]+)"/.exec(xml)?.[1];
    if (processId && sourceOf.has(processId) && sourceOf.get(processId) !== 'seed') continue;
    const result = await platform.processes.deploy(xml, { source: 'seed', resourceName: file });
    added.push(...result.processes.filter((p) => p.changed).map((p) => p.processId));
  }
  return added;
}

/** Applies the seed metadata, the shipped workflows and demo data when the database has none of them. */
export async function seedIfEmpty(platform: Platform, options: { demo: boolean; today?: string }): Promise<{ metadataVersion: number | null; demoRecords: number; workflows: string[] }> {
  let metadataVersion: number | null = null;
  if (!platform.runtime.loaded) {
    const result = await platform.applyMetadata(await seedPackage(), { source: 'seed' });
    metadataVersion = result.version;
  }
  // Before the demo data, so demo records start their workflows like real ones.
  const workflows = await deployShippedWorkflows(platform);
  let count = 0;
  if (options.demo) {
    const any = await platform.knex('tessera.audit_log').first('id');
    if (!any) count = await loadDemoData(platform, options.today ?? new Date().toISOString().slice(0, 10));
  }
  return { metadataVersion, demoRecords: count, workflows };
}
