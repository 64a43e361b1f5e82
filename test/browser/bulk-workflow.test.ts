// "Run workflow…" on records selected in a list: the dialog starts a background record job
// (POST /api/records/:type/bulk/workflow/jobs) and shows its progress live until it finishes, with
// the counts in the user's language; every selected record gets its instance.
import { browserSuite, createRecord } from './support.ts';

const NOTE = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="bulk-note" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

const b = browserSuite({}, async (env) => {
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const deployed = await env.api.request('POST', '/workflows', NOTE, { 'content-type': 'application/xml' });
  if (deployed.status !== 201) throw new Error(`deploying: ${JSON.stringify(deployed.body)}`);
  for (const name of ['Alfa', 'Beta', 'Gamma']) await createRecord(env, 'contractor', { name });
});

test('the selected records run as a job whose progress the dialog follows to the end, in Polish', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/contractor`);
  const rows = page.locator('.grid-body [role="row"]');
  await rows.first().waitFor();
  const count = await rows.count();
  expect(count).toBe(3);
  for (let i = 0; i < count; i++) await rows.nth(i).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Uruchom proces…' }).click();
  await page.getByLabel('Proces', { exact: true }).fill('bulk-note');
  await page.getByRole('button', { name: 'Uruchom', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Zakończone — 3 wykonane, 0 nieudane z 3' }).waitFor();
  await expect(page.getByRole('progressbar', { name: 'Postęp' }).getAttribute('value')).resolves.toBe('3');
  // The job's id is its run's: an instance per record, completed.
  const job = await page.locator('[data-job]').getAttribute('data-job');
  expect((await b.api.get(`/record-sets/${job}`)).body).toMatchObject({ total: 3, completed: 3, failed: 0 });
  await b.screenshot('bulk-workflow-job-1440');
}, 120_000);
