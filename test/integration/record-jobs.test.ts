// Bulk actions over sets of records as background jobs (engine/record-sets/jobs.ts) on the default
// CRM: a workflow per record chosen by ids or by a list filter, in chunks with the starter's rights;
// a job stopped mid-run (a server shutting down) goes on after a restart with no record done twice
// and none skipped; records the starter may not read are never touched; progress and cancel over HTTP.
import { seedPackage } from '../../engine/seeding.ts';
import { RecordJobs, WORKFLOW_JOB, workflowJobKind } from '../../engine/record-sets/index.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

/** Sets the instance's deal's description: a visible, audited change per record. */
const TOUCH = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="touch-deal" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="touch" />
    <bpmn:serviceTask id="touch"><bpmn:extensionElements><zeebe:taskDefinition type="tessera:update-record" />
      <zeebe:ioMapping><zeebe:input source="={description: &quot;checked in bulk&quot;}" target="values" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="touch" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

let env: TestPlatform;
let server: TestServer;
let ola: JsonClient;
const users: Record<string, string> = {};
const as = (userId: string): RecordContext => ({ actor: { userId, via: 'system', owner: userId } });

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await env.platform.processes.deploy(TOUCH, { source: 'test', resourceName: 'touch-deal.bpmn' });
  users.ola = await createTestUser(env.platform, { login: 'ola', roles: ['salesperson'] });
  users.piotr = await createTestUser(env.platform, { login: 'piotr', roles: ['salesperson'] });
  users.contractor = (await env.platform.records.create(as(users.ola), 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  server = await startTestServer(env.platform);
  ola = await userClient(env.platform, `${server.url}/api`, users.ola);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function deals(prefix: string, owner: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) ids.push((await env.platform.records.create(as(owner), 'deal', { name: `${prefix} ${i}`, contractor: users.contractor })).id as string);
  return ids;
}

/** Per record, the updates of its description the bulk workflow made, and who they name. */
async function touches(ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = (await env.platform.knex('tessera.audit_log').where({ entity: 'deal', action: 'update' }).whereIn('record_id', ids).whereRaw(`jsonb_exists(changes, 'description')`).select('record_id', 'actor')) as { record_id: string; actor: string }[];
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const row of rows) out.get(row.record_id)!.push(row.actor);
  return out;
}

async function finished(id: string) {
  for (let i = 0; i < 400; i += 1) {
    const res = await ola.get(`/record-jobs/${id}`);
    if (!['queued', 'running', 'cancelling'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job did not finish');
}

test('a job stopped mid-run goes on after a restart: every record once, none skipped, none the starter may not read', async () => {
  const own = await deals('Restart', users.ola!, 9);
  const foreign = await deals('Restart foreign', users.piotr!, 2);
  const first = new RecordJobs(env.platform.knex, env.platform.records, { chunkSize: 2 });
  first.define(workflowJobKind({ knex: env.platform.knex, records: env.platform.records, processes: env.platform.processes }));
  // Hold the fourth chunk's transaction open until the shutdown has been asked for.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const atFourthChunk = new Promise<void>((r) => (reached = r));
  let changes = 0;
  env.platform.records.onChange(async (_trx, change) => {
    if (change.action !== 'update' || !String(change.record.name).startsWith('Restart ')) return;
    changes += 1;
    if (changes === 5) {
      reached();
      await held;
    }
  });
  // The selection mixes in records of another salesperson (Ola may not read them) between her own.
  const selection = [...own.slice(0, 4), ...foreign, ...own.slice(4)];
  const id = await first.submit({ userId: users.ola!, via: 'api' }, { kind: WORKFLOW_JOB, entity: 'deal', selection: { ids: selection }, params: { processId: 'touch-deal' } });
  await atFourthChunk;
  const stopping = first.stop();
  release();
  await stopping;
  const midway = await env.platform.knex('tessera.record_jobs').where({ id }).first('status', 'done', 'failed', 'cursor');
  // Chunks of two: Ola's first four, Piotr's two (unreadable), the chunk with the fifth change committed on the way down.
  expect(midway).toEqual({ status: 'running', done: 6, failed: 2, cursor: '8' });

  const second = new RecordJobs(env.platform.knex, env.platform.records, { chunkSize: 2, staleAfterMs: 0 });
  second.define(workflowJobKind({ knex: env.platform.knex, records: env.platform.records, processes: env.platform.processes }));
  expect(await second.resume()).toContain(id);
  await second.settled(id);
  await second.stop();
  const report = await finished(id);
  expect(report).toMatchObject({ status: 'done', total: 11, done: 9, failed: 2 });
  expect(report.failures.map((f: { id: string }) => f.id).sort()).toEqual([...foreign].sort());
  expect(report.failures[0]).toMatchObject({ code: 'UNREADABLE' });
  // Each of Ola's deals changed exactly once, the audit naming her; Piotr's untouched.
  const byRecord = await touches([...own, ...foreign]);
  for (const deal of own) expect(byRecord.get(deal)).toEqual([users.ola]);
  for (const deal of foreign) expect(byRecord.get(deal)).toEqual([]);
  const instances = await env.platform.knex('tessera.record_set_members').where({ run_id: id }).whereNotNull('instance_id').select('member_id');
  expect(instances.map((r: { member_id: string }) => r.member_id).sort()).toEqual([...own].sort());
});

/** The process died in the middle of a chunk: its transaction is rolled back, and it writes nothing more (no failure, no heartbeat). */
class Killed extends Error {}

class KillableJobs extends RecordJobs {
  protected override async open(...args: Parameters<RecordJobs['open']>): ReturnType<RecordJobs['open']> {
    const next = await super.open(...args);
    return async () => {
      try {
        return await next();
      } catch (error) {
        if (error instanceof Killed) await new Promise<never>(() => undefined);
        throw error;
      }
    };
  }
}

test('a job whose process is killed mid-chunk is taken over: the half-done chunk left nothing and is done again, each record once', async () => {
  const own = await deals('Killed', users.ola!, 7);
  const killed = new KillableJobs(env.platform.knex, env.platform.records, { chunkSize: 3 });
  const workflow = workflowJobKind({ knex: env.platform.knex, records: env.platform.records, processes: env.platform.processes });
  let chunks = 0;
  // The process dies in the second chunk after its three instances were started (and their deals
  // changed) in the chunk's transaction, before the items and the cursor were written.
  killed.define({
    name: WORKFLOW_JOB,
    async handle(work) {
      const items = await workflow.handle(work);
      chunks += 1;
      if (chunks === 2) throw new Killed();
      return items;
    },
  });
  const id = await killed.submit({ userId: users.ola!, via: 'api' }, { kind: WORKFLOW_JOB, entity: 'deal', selection: { ids: own }, params: { processId: 'touch-deal' } });
  for (let i = 0; i < 200 && chunks < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  // Only the first chunk committed; what the second did in its transaction is gone.
  expect(await env.platform.knex('tessera.record_jobs').where({ id }).first('status', 'done', 'cursor')).toEqual({ status: 'running', done: 3, cursor: '3' });
  expect([...(await touches(own)).values()].map((actors) => actors.length)).toEqual([1, 1, 1, 0, 0, 0, 0]);

  const second = new RecordJobs(env.platform.knex, env.platform.records, { chunkSize: 3, staleAfterMs: 0 });
  second.define(workflowJobKind({ knex: env.platform.knex, records: env.platform.records, processes: env.platform.processes }));
  expect(await second.resume()).toContain(id);
  await second.settled(id);
  await second.stop();
  expect(await env.platform.knex('tessera.record_jobs').where({ id }).first('status', 'done', 'failed')).toEqual({ status: 'done', done: 7, failed: 0 });
  const byRecord = await touches(own);
  for (const deal of own) expect(byRecord.get(deal)).toEqual([users.ola]);
});

test('over HTTP by a list filter: only the records the starter may read, progress readable, another user’s job hidden', async () => {
  const own = await deals('Filtered', users.ola!, 5);
  const foreign = await deals('Filtered', users.piotr!, 3);
  const started = await ola.post('/records/deal/bulk/workflow/jobs', { processId: 'touch-deal', filter: { name: { startsWith: 'Filtered' } } });
  expect(started.status).toBe(202);
  expect(started.headers.get('location')).toBe(`/api/record-jobs/${started.body.id}`);
  expect(started.body).toMatchObject({ kind: 'workflow', entity: 'deal', total: 5 });
  const report = await finished(started.body.id);
  expect(report).toMatchObject({ status: 'done', total: 5, done: 5, failed: 0 });
  const byRecord = await touches([...own, ...foreign]);
  for (const deal of own) expect(byRecord.get(deal)).toEqual([users.ola]);
  for (const deal of foreign) expect(byRecord.get(deal)).toEqual([]);
  // The run's progress as for a bulk run started in chunks.
  expect((await ola.get(`/record-sets/${started.body.id}`)).body).toMatchObject({ total: 5, completed: 5 });

  const piotr = await userClient(env.platform, `${server.url}/api`, users.piotr!);
  expect((await piotr.get(`/record-jobs/${started.body.id}`)).status).toBe(404);
  expect((await ola.get('/record-jobs/nope')).status).toBe(404);
  const bad = await ola.post('/records/deal/bulk/workflow/jobs', { processId: 'touch-deal', filter: { nope: { eq: 1 } } });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].pointer).toMatch(/^\/filter/);
  const both = await ola.post('/records/deal/bulk/workflow/jobs', { processId: 'touch-deal', ids: [own[0]], filter: {} });
  expect(both.status).toBe(422);
  expect(both.body.errors[0].pointer).toBe('/ids');
});

test('cancelled between chunks: what was done stays, the rest is not touched; a finished job cannot be cancelled', async () => {
  const own = await deals('Cancel', users.ola!, 6);
  const jobs = new RecordJobs(env.platform.knex, env.platform.records, { chunkSize: 2 });
  jobs.define(workflowJobKind({ knex: env.platform.knex, records: env.platform.records, processes: env.platform.processes }));
  let id = '';
  let changes = 0;
  // Ola cancels while the first chunk is being written (in its transaction: the embedded database serves one at a time).
  env.platform.records.onChange(async (trx, change) => {
    if (change.action !== 'update' || !String(change.record.name).startsWith('Cancel ')) return;
    changes += 1;
    if (changes === 1) await trx('tessera.record_jobs').where({ id }).update({ status: 'cancelling' });
  });
  id = await jobs.submit({ userId: users.ola!, via: 'api' }, { kind: WORKFLOW_JOB, entity: 'deal', selection: { ids: own }, params: { processId: 'touch-deal' } });
  await jobs.settled(id);
  await jobs.stop();
  expect(await env.platform.knex('tessera.record_jobs').where({ id }).first('status', 'done')).toEqual({ status: 'cancelled', done: 2 });
  const byRecord = await touches(own);
  expect(own.map((deal) => byRecord.get(deal)!.length)).toEqual([1, 1, 0, 0, 0, 0]);
  const again = await ola.post(`/record-jobs/${id}/cancel`, {});
  expect(again.status).toBe(409);
});

test('a conversion per selected record (offers → sales orders) over HTTP: as the starter, each once per job, refused ones reported, an unknown conversion refused', async () => {
  const offer = async (title: string, owner: string) =>
    (await env.platform.records.create(as(owner), 'offer', { title, contractor: users.contractor, lines: [{ description: 'Serwis', quantity: 1, net_price: 100, vat_rate: 'vat23' }] })).id as string;
  const good = [await offer('Oferta A', users.ola!), await offer('Oferta B', users.ola!)];
  const rejected = await offer('Oferta odrzucona', users.ola!);
  await env.platform.knex('offer').where({ id: rejected }).update({ status: 'rejected' });
  const foreign = await offer('Oferta Piotra', users.piotr!);
  const orders = async () => (await env.platform.knex('sales_order').whereIn('offer', [...good, rejected, foreign]).select('offer', 'created_by')) as { offer: string; created_by: string }[];

  const unknown = await ola.post('/records/offer/bulk/conversion/jobs', { conversion: 'to_nothing', ids: good });
  expect(unknown.status).toBe(404);
  expect(unknown.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/conversion']);
  const bad = await ola.post('/records/offer/bulk/conversion/jobs', { ids: ['nope'], extra: 1 });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/extra', '/conversion', '/ids/0']);

  const started = await ola.post('/records/offer/bulk/conversion/jobs', { conversion: 'to_sales_order', ids: [...good, rejected, foreign] });
  expect(started.status).toBe(202);
  const report = await finished(started.body.id);
  // Piotr's offer Ola may not read is never touched; the rejected one is refused by the conversion's condition.
  expect(report).toMatchObject({ kind: 'conversion', status: 'done', done: 2, failed: 2 });
  expect(Object.fromEntries(report.failures.map((f: { id: string; code: string }) => [f.id, f.code]))).toEqual({ [rejected]: 'CONFLICT', [foreign]: 'UNREADABLE' });
  const made = await orders();
  expect(made.map((o) => o.offer).sort()).toEqual([...good].sort());
  expect(new Set(made.map((o) => o.created_by))).toEqual(new Set([users.ola]));
  // One item per record of the job: its key (job, record) keeps a record from being converted twice by the job.
  const items = (await env.platform.knex('tessera.record_job_items').where({ job_id: started.body.id }).pluck('record_id')) as string[];
  expect(items.sort()).toEqual([...good, rejected, foreign].sort());
});
