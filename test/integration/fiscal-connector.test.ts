// The fiscal connector end to end: the seed's sale entity, the settings naming a POSNET printer on
// TCP (the emulator), the shared queue served by the printer's leader, routes with rights and
// problem+json, the sale updated with the receipt number, the VAT slot refusal and a retry, daily
// reports with the zero-report guard, the `fiscal:print-receipt` task in a BPMN process, and two
// workstations printing 100 receipts each through one printer (with a link drop on the way):
// 200 receipts, none doubled, totals matching.
import { connectors } from '../../connectors/index.ts';
import { configSchema } from '../../connectors/fiscal/printers.ts';
import { enqueueFiscalPrint, FiscalError } from '../../connectors/fiscal/index.ts';
import { PrinterWorker } from '../../connectors/fiscal/queue/printer-worker.ts';
import { databaseStore } from '../../connectors/fiscal/queue/queue-store.ts';
import { driverFor, printersOf } from '../../connectors/fiscal/printers.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, tokenFor, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { PosnetPrinterEmulator } from '../support/posnet-printer-emulator.ts';
import { TcpHost } from '../support/printer-hosts.ts';
import { eventually, InstanceDriver } from '../support/workflows.ts';

process.env.TESSERA_FISCAL_POLL_MS = '50';
process.env.TESSERA_FISCAL_STATUS_MS = '300';
process.env.TESSERA_FISCAL_START_DELAY_MS = '0';
process.env.TESSERA_FISCAL_FEED_MS = '100';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let cashier: JsonClient;
let technician: JsonClient;
let printer: PosnetPrinterEmulator;
let host: TcpHost;
let cashierId: string;
let technicianId: string;

const sale = (number: string, over: Record<string, unknown> = {}) => ({
  number,
  sale_date: '2026-12-03',
  lines: [
    { name: 'Kawa ziarnista', quantity: 2, price: 59.99, vat_rate: 23 },
    { name: 'Chleb żytni', quantity: 1, price: 7.99, vat_rate: 5 },
  ],
  payments: [{ form: 'cash', amount: 130 }],
  ...over,
});

beforeAll(async () => {
  printer = new PosnetPrinterEmulator();
  host = await TcpHost.start(printer);
  env = await startTestPlatform({ connectors });
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  cashierId = await createTestUser(env.platform, { login: 'kasjer', roles: ['salesperson'] });
  cashier = await userClient(env.platform, `${server.url}/api`, cashierId);
  technicianId = await createTestUser(env.platform, { login: 'serwisant', roles: ['service_technician'] });
  technician = await userClient(env.platform, `${server.url}/api`, technicianId);
  await env.platform.connectors.settings.write(
    'fiscal',
    configSchema,
    { enabled: true, config: { printers: [{ id: 'till-1', name: 'Kasa 1', protocol: 'posnet', transport: 'tcp', host: '127.0.0.1', port: host.port, timeoutSeconds: 1, vatSlots: { A: 23, C: 5 } }] } },
    { userId: null, via: 'system' },
  );
  await env.platform.processes.startWorkers();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
  await host?.stop();
});

async function printedSale(client: JsonClient, id: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const record = (await client.get(`/records/sale/${id}`)).body as Record<string, unknown>;
    return record.receipt_state === 'printed' || record.receipt_state === 'failed' ? record : undefined;
  }, 15_000, `sale ${id} printed`);
}

test('a cashier prints a sale’s receipt once: the sale gets the receipt number and the printer’s unique number', async () => {
  const created = await cashier.post('/records/sale', sale('PA/1/2026', { buyer_nip: '5260001246' }));
  expect(created.status).toBe(201);
  const first = await cashier.post(`/connectors/fiscal/sales/${created.body.id}/receipt`, {});
  expect(first.status).toBe(202);
  const record = await printedSale(cashier, created.body.id);
  expect(record).toMatchObject({ receipt_state: 'printed', receipt_number: '1', printer_unique_number: 'ABC12345678' });
  const again = await cashier.post(`/connectors/fiscal/sales/${created.body.id}/receipt`, {});
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ id: first.body.id, state: 'printed', receiptNumber: 1 });
  expect(printer.printed).toHaveLength(1);
  expect(printer.printed[0]).toMatchObject({ total: 12797, nip: '5260001246', change: 203 });
  const queue = await cashier.get(`/connectors/fiscal/queue?sale=${created.body.id}`);
  expect(queue.body.receipts[0].log.map((l: { step: string }) => l.step)).toEqual(expect.arrayContaining(['queued', 'receipt begun', 'receipt closed', 'printed']));
});

test('rights: without rights on sales nothing is shown or printed; bad input is problem+json with pointers', async () => {
  expect((await technician.get('/connectors/fiscal/printers')).status).toBe(403);
  const id = (await api.post('/records/sale', sale('PA/2/2026'))).body.id as string;
  expect((await technician.post(`/connectors/fiscal/sales/${id}/receipt`, {})).status).toBe(403);
  const bad = (await api.post('/records/sale', sale('PA/3/2026', { lines: [{ name: '', quantity: 1, price: 5, vat_rate: 'x' }] }))).body.id as string;
  const refused = await api.post(`/connectors/fiscal/sales/${bad}/receipt`, {});
  expect(refused.status).toBe(422);
  expect(refused.contentType).toContain('application/problem+json');
  expect(refused.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/lines/0/name', '/lines/0/vat_rate']);
  const unknownPrinter = await api.post(`/connectors/fiscal/sales/${id}/receipt`, { printer: 'nope' });
  expect(unknownPrinter.status).toBe(400);
  expect(unknownPrinter.body.errors).toEqual([{ pointer: '/printer', detail: expect.any(String) }]);
  const badReport = await api.post('/connectors/fiscal/printers/till-1/cash-in', { amount: -5 });
  expect(badReport.status).toBe(400);
  expect(badReport.body.errors[0].pointer).toBe('/amount');
  expect((await api.get('/connectors/fiscal/queue?state=lost')).body.errors[0].pointer).toBe('/query/state');
});

test('a rate the printer lacks fails the receipt with a clear message; after reprogramming, a retry prints it', async () => {
  const id = (await cashier.post('/records/sale', sale('PA/4/2026', { lines: [{ name: 'Książka', quantity: 1, price: 39.9, vat_rate: 'zw' }], payments: [{ form: 'card', amount: 39.9 }] }))).body.id as string;
  printer.setRate(4, 'inactive');
  const queued = await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
  const failed = await printedSale(cashier, id);
  expect(failed.receipt_state).toBe('failed');
  const row = (await cashier.get(`/connectors/fiscal/queue/${queued.body.id}`)).body;
  expect(row).toMatchObject({ state: 'failed', errorCode: 'fiscal.error.vatRateMissing' });
  expect(row.lastError).toContain('no slot for zw');
  printer.setRate(4, 'exempt');
  expect((await cashier.post(`/connectors/fiscal/queue/${queued.body.id}/retry`, {})).status).toBe(200);
  expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed' });
  expect((await cashier.post(`/connectors/fiscal/queue/${queued.body.id}/retry`, {})).status).toBe(409);
});

test('printer status reaches the API: paper out, then back', async () => {
  printer.setPaper(false);
  await eventually(async () => {
    const res = await cashier.get('/connectors/fiscal/printers');
    return res.body.printers[0].status?.paperOut === true ? res : undefined;
  }, 10_000, 'paper out shown');
  printer.setPaper(true);
  const res = await eventually(async () => {
    const r = await cashier.get('/connectors/fiscal/printers');
    return r.body.printers[0].status?.paperOut === false ? r : undefined;
  }, 10_000, 'paper back');
  expect(res.body.printers[0]).toMatchObject({ id: 'till-1', name: 'Kasa 1', protocol: 'posnet', served: true, status: { online: true, coverOpen: false } });
});

/** Reads server-sent `fiscal` events until one satisfies `want`. */
async function nextFiscalEvent(reader: ReadableStreamDefaultReader<Uint8Array>, buffer: { text: string }, want: (e: any) => boolean): Promise<any> {
  const decoder = new TextDecoder();
  for (;;) {
    const end = buffer.text.indexOf('\n\n');
    if (end >= 0) {
      const block = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (block.includes('event: fiscal') && data) {
        const event = JSON.parse(data.slice(6));
        if (want(event)) return event;
      }
      continue;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer.text += decoder.decode(value, { stream: true });
  }
}

test('the status is pushed: the stream sends paper out and paper back, and a queue change, without being asked', async () => {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/api/connectors/fiscal/stream`, { headers: { authorization: `Bearer ${await tokenFor(env.platform, cashierId, ['read'])}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const buffer = { text: '' };
  try {
    const first = await nextFiscalEvent(reader, buffer, () => true);
    expect(first.printers.printers[0]).toMatchObject({ id: 'till-1', served: true });
    printer.setPaper(false);
    await nextFiscalEvent(reader, buffer, (e) => e.printers.printers[0].status?.paperOut === true);
    const id = (await cashier.post('/records/sale', sale('PA/9/2026'))).body.id as string;
    await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
    const queued = await nextFiscalEvent(reader, buffer, (e) => e.queueMark !== first.queueMark && e.printers.printers[0].waiting === 1);
    printer.setPaper(true);
    await nextFiscalEvent(reader, buffer, (e) => e.printers.printers[0].status?.paperOut === false && e.printers.printers[0].waiting === 0 && e.queueMark !== queued.queueMark);
    expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed' });
  } finally {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
  expect((await fetch(`${server.url}/api/connectors/fiscal/stream`)).status).toBe(401);
  expect((await fetch(`${server.url}/api/connectors/fiscal/stream`, { headers: { authorization: `Bearer ${await tokenFor(env.platform, technicianId, ['read'])}` } })).status).toBe(403);
}, 30_000);

test('cancel where safe: a receipt waiting for paper is cancelled (the sale shows no receipt), a printed one is not; printing the sale again prints it once', async () => {
  printer.setPaper(false);
  const before = printer.printed.length;
  const id = (await cashier.post('/records/sale', sale('PA/10/2026'))).body.id as string;
  const queued = (await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {})).body;
  await eventually(async () => ((await cashier.get(`/connectors/fiscal/queue/${queued.id}`)).body.errorCode === 'fiscal.error.paperOut' ? true : undefined), 10_000, 'waiting for paper');
  // The worker may hold the row for a moment (state printing): only then is cancelling refused.
  const cancelled = await eventually(async () => {
    const r = await cashier.post(`/connectors/fiscal/queue/${queued.id}/cancel`, {});
    return r.status === 200 ? r : undefined;
  }, 10_000, 'cancelled');
  expect(cancelled.body).toMatchObject({ state: 'cancelled' });
  expect((await cashier.get(`/records/sale/${id}`)).body.receipt_state ?? null).toBeNull();
  printer.setPaper(true);
  await new Promise((r) => setTimeout(r, 500));
  expect(printer.printed).toHaveLength(before);
  const again = await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
  expect(again.status).toBe(202);
  expect(again.body.id).toBe(queued.id);
  expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed' });
  expect(printer.printed).toHaveLength(before + 1);
  const refused = await cashier.post(`/connectors/fiscal/queue/${queued.id}/cancel`, {});
  expect(refused.status).toBe(409);
  expect(refused.contentType).toContain('application/problem+json');
  expect((await technician.post(`/connectors/fiscal/queue/${queued.id}/cancel`, {})).status).toBe(403);
  const log = (await cashier.get(`/connectors/fiscal/queue/${queued.id}`)).body.log.map((l: { step: string }) => l.step);
  expect(log).toEqual(expect.arrayContaining(['cancelled by kasjer', 'printed again requested', 'printed']));
});

test('payment forms: voucher, transfer and cash with change reach the printer under their POSNET types', async () => {
  const id = (await cashier.post('/records/sale', sale('PA/6/2026', { payments: [{ form: 'voucher', amount: 50 }, { form: 'transfer', amount: 60 }, { form: 'cash', amount: 20 }] }))).body.id as string;
  await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
  expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed' });
  // 127.97 due: voucher 50 (type 7), transfer 60 (type 8), cash 20 (type 0); 2.03 back in cash.
  expect(printer.printed.at(-1)).toMatchObject({ total: 12797, payments: [{ type: 7, amount: 5000 }, { type: 8, amount: 6000 }, { type: 0, amount: 2000 }], change: 203 });
});

test('daily report: its contents (per VAT slot, counts) are kept; a second one with nothing sold in between is refused before it reaches the printer', async () => {
  const sold = printer.printed.reduce((s, r) => s + r.total, 0);
  const byA = printer.printed.flatMap((r) => r.lines).filter((l) => l.vt === 0).reduce((s, l) => s + l.amount, 0);
  const first = await cashier.post('/connectors/fiscal/printers/till-1/daily-report', { date: '2026-12-03' });
  expect(first.body).toMatchObject({ state: 'printed' });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ kind: 'daily', state: 'printed', reportDate: '2026-12-03', reportNumber: 1 });
  expect(first.body.contents).toMatchObject({ reportNumber: 1, gross: sold, receipts: printer.printed.length });
  const a = first.body.contents.slots.find((x: { letter: string }) => x.letter === 'A');
  // VAT from the slot's gross total: gross × 23 / 123.
  expect(a).toEqual({ letter: 'A', rate: 23, gross: byA, vat: Math.round((byA * 23) / 123), net: byA - Math.round((byA * 23) / 123) });
  expect((await cashier.get('/connectors/fiscal/reports?printer=till-1')).body.reports[0]).toMatchObject({ id: first.body.id, contents: { gross: sold } });
  const second = await cashier.post('/connectors/fiscal/printers/till-1/daily-report', { date: '2026-12-03' });
  expect(second.status).toBe(409);
  expect(second.body.errorCode).toBe('fiscal.error.zeroDailyReport');
  expect(printer.dailyReports).toEqual(['2026-12-03']);
  expect((await cashier.post('/connectors/fiscal/printers/till-1/cash-in', { amount: 200 })).body.state).toBe('printed');
  expect(printer.cashMoves).toEqual([20000]);
});

test('daily report missing: sales of yesterday left on the printer; the status says so, a receipt waits and prints after the report', async () => {
  const first = (await cashier.post('/records/sale', sale('PA/7/2026'))).body.id as string;
  await cashier.post(`/connectors/fiscal/sales/${first}/receipt`, {});
  expect(await printedSale(cashier, first)).toMatchObject({ receipt_state: 'printed' });
  printer.today = '2026-12-04';
  await eventually(async () => ((await cashier.get('/connectors/fiscal/printers')).body.printers[0].status?.dailyReportMissing === true ? true : undefined), 10_000, 'missing report shown');
  const before = printer.printed.length;
  const id = (await cashier.post('/records/sale', sale('PA/8/2026'))).body.id as string;
  const queued = await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
  const waiting = await eventually(async () => {
    const row = (await cashier.get(`/connectors/fiscal/queue/${queued.body.id}`)).body;
    return row.errorCode === 'fiscal.error.dailyReportMissing' ? row : undefined;
  }, 10_000, 'the receipt waits for the report');
  expect(waiting.state).toBe('queued');
  expect(printer.printed).toHaveLength(before);
  expect((await cashier.post('/connectors/fiscal/printers/till-1/daily-report', { date: '2026-12-03' })).body.state).toBe('printed');
  expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed' });
  expect(printer.printed).toHaveLength(before + 1);
  expect((await cashier.get('/connectors/fiscal/printers')).body.printers[0].status?.dailyReportMissing).not.toBe(true);
});

test('a VAT invoice for a sale with a buyer: printed once with the buyer from the contractor and the sale’s NIP; one fiscal document per sale', async () => {
  const contractor = (await api.post('/records/contractor', { name: 'Piekarnia Łącka Sp. z o.o.', contractor_type: 'company', country: 'pl', street: 'ul. Polna 1', postal_code: '00-001', locality: 'Warszawa' })).body.id as string;
  const id = (await cashier.post('/records/sale', sale('FV/1/2026', { contractor, buyer_nip: '5260001246', payments: [{ form: 'transfer', amount: 127.97 }] }))).body.id as string;
  const queued = await cashier.post(`/connectors/fiscal/sales/${id}/invoice`, {});
  expect(queued.status).toBe(202);
  expect(queued.body).toMatchObject({ document: 'invoice' });
  const before = printer.printed.length;
  // The sale keeps the invoice's own number; the printer's unique number as for a receipt.
  expect(await printedSale(cashier, id)).toMatchObject({ receipt_state: 'printed', receipt_number: 'FV/1/2026', printer_unique_number: 'ABC12345678' });
  expect(printer.invoices.at(-1)).toMatchObject({ number: 'FV/1/2026', buyer: { name: 'Piekarnia Łącka Sp. z o.o.', nip: '5260001246', address: 'ul. Polna 1\n00-001 Warszawa' }, total: 12797 });
  expect(printer.printed).toHaveLength(before);
  expect((await cashier.post(`/connectors/fiscal/sales/${id}/invoice`, {})).status).toBe(200);
  const receiptToo = await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {});
  expect(receiptToo.status).toBe(409);
  expect(receiptToo.contentType).toContain('application/problem+json');
  expect(printer.invoices.filter((i) => i.number === 'FV/1/2026')).toHaveLength(1);
  // Without a buyer: problem+json naming what is missing.
  const anonymous = (await cashier.post('/records/sale', sale('FV/2/2026'))).body.id as string;
  const refused = await cashier.post(`/connectors/fiscal/sales/${anonymous}/invoice`, {});
  expect(refused.status).toBe(422);
  expect(refused.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/contractor', '/buyer_nip']);
});

test('enqueueFiscalPrint (for other modules): the default printer, once per key; an unknown printer is a typed error', async () => {
  const ctx = env.platform.connectors.context('fiscal');
  const receipt = { lines: [{ name: 'Woda', quantity: 1, unitPrice: 250, vatRate: 8 }], payments: [{ form: 'cash' as const, amount: 250 }] };
  const first = await enqueueFiscalPrint(ctx, { idempotencyKey: 'node-red:msg-1', receipt });
  expect(first).toMatchObject({ created: true, receipt: { printerId: 'till-1', document: 'receipt' } });
  expect((await enqueueFiscalPrint(ctx, { idempotencyKey: 'node-red:msg-1', receipt })).receipt.id).toBe(first.receipt.id);
  const error = await enqueueFiscalPrint(ctx, { printer: 'nope', idempotencyKey: 'node-red:msg-2', receipt }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FiscalError);
  expect((error as FiscalError).code).toBe('fiscal.error.unknownPrinter');
  await eventually(async () => ((await cashier.get(`/connectors/fiscal/queue/${first.receipt.id}`)).body.state === 'printed' ? true : undefined), 10_000, 'printed');
});

test('the fiscal:print-receipt task prints a sale from a process and maps the receipt number', async () => {
  const id = (await api.post('/records/sale', sale('PA/5/2026'))).body.id as string;
  await env.platform.processes.deploy(
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="paid" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="print" />
    <bpmn:serviceTask id="print">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="fiscal:print-receipt" retries="3" />
        <zeebe:ioMapping>
          <zeebe:input source="=saleId" target="sale" />
          <zeebe:output source="=receiptNumber" target="receiptNumber" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="print" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
    { source: 'test' },
  );
  const before = printer.printed.length;
  const d = await InstanceDriver.start(env.platform, 'paid', { saleId: id } as never);
  await eventually(async () => (await d.status()) === 'completed', 20_000, 'the process');
  expect(await d.rootVariables()).toMatchObject({ receiptNumber: before + 1 });
  expect(printer.printed).toHaveLength(before + 1);
  expect(await printedSale(api, id)).toMatchObject({ receipt_number: String(before + 1) });
}, 40_000);

test('two workstations print 100 receipts each through one printer, with a second process competing and a link drop: 200, none doubled', async () => {
  // A second "process" wanting the same printer: the lease lets only one of them print.
  const { printers } = printersOf({ printers: [{ id: 'till-1', protocol: 'posnet', transport: 'tcp', host: '127.0.0.1', port: host.port, timeoutSeconds: 1 }] });
  const rival = new PrinterWorker(databaseStore(env.platform.knex), printers[0]!, { owner: 'rival-process', makeDriver: (p) => driverFor(p), pollMs: 20, hooks: { log: () => undefined } });
  rival.start();
  const before = printer.printed.length;
  const workstations = [api, cashier];
  printer.faults.dropLink = { command: 'trend', nth: printer.commands.filter((c) => c === 'trend').length + 37, when: 'after', downMs: 100 };
  const ids: string[][] = [[], []];
  await Promise.all(
    workstations.map(async (client, w) => {
      for (let i = 0; i < 100; i++) {
        const price = 100 + w * 1000 + i;
        const id = (await client.post('/records/sale', sale(`WS${w}/${i}`, { lines: [{ name: `Towar ${w}-${i}`, quantity: 1, price: price / 100, vat_rate: 23 }], payments: [{ form: 'card', amount: price / 100 }] }))).body.id as string;
        ids[w]!.push(id);
        const res = await client.post(`/connectors/fiscal/sales/${id}/receipt`, {});
        expect([200, 202]).toContain(res.status);
        // A double click: the same sale again is the same receipt.
        if (i % 10 === 0) expect((await client.post(`/connectors/fiscal/sales/${id}/receipt`, {})).body.id).toBe(res.body.id);
      }
    }),
  );
  const settled = async () => (await env.platform.knex('tessera.fiscal_receipts').whereIn('record_id', ids.flat()).whereIn('state', ['printed', 'failed']).count('* as n').first()) as { n: string | number };
  await eventually(async () => (Number((await settled()).n) === 200 ? true : undefined), 60_000, '200 receipts settled');
  await rival.stop();
  const batch = printer.printed.slice(before);
  expect(batch).toHaveLength(200);
  const names = batch.map((r) => r.lines[0]!.name);
  expect(new Set(names).size).toBe(200);
  const expected = [0, 1].flatMap((w) => Array.from({ length: 100 }, (_, i) => 100 + w * 1000 + i)).reduce((a, b) => a + b, 0);
  expect(batch.reduce((s, r) => s + r.total, 0)).toBe(expected);
  const rows = (await env.platform.knex('tessera.fiscal_receipts').where('idempotency_key', 'like', 'sale:%').whereIn('record_id', ids.flat()).select('state', 'receipt_number')) as { state: string; receipt_number: number }[];
  expect(rows.filter((r) => r.state === 'printed')).toHaveLength(200);
  expect(new Set(rows.map((r) => r.receipt_number)).size).toBe(200);
}, 120_000);
