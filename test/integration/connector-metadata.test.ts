// Issue #11: a connector's entity types (e.g. mail accounts) come as a metadata package merged into the
// installation's model: applied on start when a connector is installed or upgraded, kept through the
// analyst's own applies, not alterable by them, and never dropped because a connector went missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { startPlatform, type Platform, type PlatformOptions } from '../../engine/platform.ts';
import type { Connector } from '../../engine/connectors/platform-api.ts';
import { TesseraError } from '../../engine/errors.ts';
import { createServerDatabase, TEST_SECRET_KEY } from '../support/database.ts';

const SYSTEM = { actor: { userId: null, via: 'system' as const } };
const label = { pl: 'Skrzynki', en: 'Mailboxes', ro: 'Căsuțe' };

const mailbox = (fields: readonly object[] = []) => ({
  kind: 'entity',
  id: 'probe.mailbox',
  name: 'probe_mailbox',
  label: { en: 'Mailbox', pl: 'Skrzynka', ro: 'Căsuță' },
  displayField: 'address',
  fields: [{ id: 'probe.mailbox.address', name: 'address', type: 'email', required: true, label: { en: 'Address', pl: 'Adres', ro: 'Adresă' } }, ...fields],
});
const host = { id: 'probe.mailbox.host', name: 'host', type: 'string', maxLength: 200, label: { en: 'Host', pl: 'Serwer', ro: 'Server' } };
const probe = (entity: object): Connector => ({ id: 'probe', label, metadata: { 'entities/mailbox.json': entity } });

let database: { options: Pick<PlatformOptions, 'url' | 'dataDir'>; drop(): Promise<void> };
let crmMini: PackageFiles;
let platform: Platform | null = null;

const start = async (connectors: readonly Connector[]) => {
  platform = await startPlatform({ ...database.options, secretKey: TEST_SECRET_KEY, connectors });
  return platform;
};
const stop = async () => {
  await platform?.close();
  platform = null;
};
const versions = async (p: Platform) => (await p.knex('tessera.meta_versions').orderBy('version').select('version', 'source')) as { version: number; source: string }[];

beforeAll(async () => {
  ({ package: crmMini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname));
  const adminUrl = process.env.TESSERA_TEST_PG_URL;
  if (adminUrl) {
    const db = await createServerDatabase(adminUrl);
    database = { options: { url: db.url }, drop: db.drop };
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-connector-metadata-'));
    database = { options: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
});

afterEach(stop);
afterAll(async () => database?.drop());

test('the analyst’s first package gets the connector’s entity type, as a table the records service writes', async () => {
  const p = await start([probe(mailbox())]);
  // Nothing applied yet: nothing to merge into.
  expect(await versions(p)).toEqual([]);
  await p.applyMetadata(crmMini, { source: 'cli' });
  expect(Object.keys(p.runtime.snapshot.model.pkg.files)).toContain('connectors/probe/entities/mailbox.json');
  const made = await p.records.create(SYSTEM, 'probe_mailbox', { address: 'Biuro@Example.pl' });
  expect(made.address).toBe('biuro@example.pl');
  // The analyst's next package (which never heard of the connector) keeps it.
  await p.applyMetadata(crmMini, { source: 'cli' });
  expect((await p.records.list(SYSTEM, 'probe_mailbox')).data).toHaveLength(1);
});

test('an analyst’s package that changes the connector’s file is refused, naming the file', async () => {
  const p = await start([probe(mailbox())]);
  const edited = { files: { ...crmMini.files, 'connectors/probe/entities/mailbox.json': { ...mailbox(), label: { en: 'Renamed' } } } };
  const refused = await p.applyMetadata(edited, { source: 'api' }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(TesseraError);
  expect((refused as TesseraError).problems).toEqual([expect.objectContaining({ pointer: '/files/connectors~1probe~1entities~1mailbox.json', code: 'META_CONTRIBUTED_FILE' })]);
  await expect(p.planMetadata(edited)).rejects.toThrow(/belong to connectors/);
  // Sent back exactly as read from the API: accepted (no change, no new version).
  const before = (await versions(p)).length;
  const result = await p.applyMetadata({ files: p.runtime.snapshot.model.pkg.files }, { source: 'api' });
  expect(result.changed).toBe(false);
  expect(await versions(p)).toHaveLength(before);
});

test('an upgraded connector’s metadata is applied on start, keeping the rows; a removed connector’s table stays', async () => {
  let p = await start([probe(mailbox([host]))]);
  const last = (await versions(p)).at(-1);
  expect(last?.source).toBe('platform');
  const [row] = (await p.records.list(SYSTEM, 'probe_mailbox')).data;
  expect(row).toMatchObject({ address: 'biuro@example.pl', host: null });
  await p.records.update(SYSTEM, 'probe_mailbox', String(row!.id), { host: 'imap.example.pl' }, { expectedVersion: Number(row!.version) });
  await stop();

  // Started without the connector: nothing is dropped, no new version.
  const count = (await versions(await start([]))).length;
  p = platform!;
  expect(await versions(p)).toHaveLength(count);
  expect((await p.records.list(SYSTEM, 'probe_mailbox')).data).toEqual([expect.objectContaining({ host: 'imap.example.pl' })]);
});

test('a connector whose entity type clashes with the installation’s stops the start, naming the connector', async () => {
  const clash = { ...mailbox(), id: 'probe.contractor', name: 'contractor' };
  await expect(start([probe(clash)])).rejects.toThrow(/metadata of the connectors \(probe\) cannot be applied[\s\S]*contractor/);
  // The installation still starts without it.
  expect((await start([])).runtime.loaded).toBe(true);
});
