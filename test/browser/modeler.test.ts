// The BPMN modeler: bpmn-js is downloaded only when the modeler is opened (pages with forms do
// without it), it opens a Zeebe process and shows its properties (task definition), exports the
// XML, and deploys to POST /api/workflows. A server without the workflow API (404) gets a notice.
import { fileURLToPath } from 'node:url';
import { browserSuite } from './support.ts';

const SERVICE_TASK_BPMN = fileURLToPath(new URL('../fixtures/bpmn-ui/lead-scoring.bpmn', import.meta.url));

const scripts: string[] = [];

const b = browserSuite({}, async (b) => {
  b.page.on('request', (req) => {
    if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
  });
});

test('pages with lists and forms do not download bpmn-js', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await page.getByRole('heading', { name: 'Contractors' }).waitFor();
  await page.getByRole('link', { name: 'New', exact: true }).click();
  await page.locator('[data-field="name"]').waitFor();
  expect(scripts.some((s) => s.includes('ListPage'))).toBe(true);
  expect(scripts.some((s) => s.includes('RecordPage'))).toBe(true);
  expect(scripts.filter((s) => s.includes('Modeler'))).toEqual([]);
});

test('opening the modeler loads it lazily; it shows the Zeebe properties and exports XML', async () => {
  const { page } = b;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Process modeler' }).click();
  await page.getByTestId('bpmn-canvas').locator('.djs-container').waitFor();
  expect(scripts.some((s) => s.includes('ModelerPage'))).toBe(true);
  await page.locator('[data-element-id="start"]').waitFor();
  // Open a Zeebe process; its service task shows the task definition (the connector binding).
  await page.locator('input[type="file"]').setInputFiles(SERVICE_TASK_BPMN);
  await page.locator('[data-element-id="score"]').click();
  const properties = page.getByTestId('bpmn-properties');
  await properties.getByText('Task definition').first().waitFor();
  await b.screenshot('modeler');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download XML' }).click()]);
  const stream = await download.createReadStream();
  let xml = '';
  for await (const chunk of stream) xml += String(chunk);
  expect(xml).toContain('<bpmn:definitions');
  expect(xml).toContain('<zeebe:taskDefinition type="score-lead" retries="2" />');
  expect(xml).toContain('<bpmn:process id="lead_scoring"');
});

test('deploy: to the workflow API when the server has it, else a clear notice', async () => {
  const { page } = b;
  const probe = await b.api.post('/workflows', '<x/>', { 'content-type': 'application/xml' });
  await page.getByRole('button', { name: 'Deploy' }).click();
  if (probe.status === 404) {
    // The workflow engine is not on this server: the modeler says so and keeps the diagram.
    await page.getByRole('status').filter({ hasText: 'The workflow engine is not available on this server yet' }).waitFor();
  } else {
    await page.getByRole('status').filter({ hasText: 'Deployed' }).getByText('lead_scoring v1').waitFor();
    const definitions = await b.api.get('/workflows');
    expect(JSON.stringify(definitions.body)).toContain('lead_scoring');
  }
  await expect(page.getByTestId('bpmn-canvas').locator('[data-element-id="score"]').count()).resolves.toBe(1);
});

test('an instance shows on its diagram with the element it waits in highlighted', async () => {
  const { page } = b;
  const started = await b.api.post('/workflows/lead_scoring/instances', {});
  if (started.status === 404) return; // no workflow API on this server (see the deploy test)
  expect(started.status).toBe(201);
  expect(started.body.activeElementIds).toContain('score');
  await page.goto(`${b.url}/modeler?instance=${started.body.id}`);
  await page.getByTestId('instance-banner').getByText('lead_scoring v1').waitFor();
  await page.locator('[data-element-id="score"].tessera-active, [data-element-id="score"].tessera-incident').waitFor();
  await b.screenshot('modeler-instance');
});

test('a workflow administrator deploys with platform rights; an instance’s banner says whose rights its version and the instance act with', async () => {
  const { page } = b;
  const probe = await b.api.get('/workflows');
  if (probe.status === 404) return; // no workflow API on this server (see the deploy test)
  await page.goto(`${b.url}/modeler`);
  await page.getByTestId('bpmn-canvas').locator('.djs-container').waitFor();
  await page.locator('input[type="file"]').setInputFiles(SERVICE_TASK_BPMN);
  await page.locator('[data-element-id="score"]').waitFor();
  const flag = page.getByRole('checkbox', { name: 'platform rights' });
  await expect(flag.isChecked()).resolves.toBe(false);
  await flag.check();
  await page.getByRole('button', { name: 'Deploy' }).click();
  // The flag belongs to the version: the same diagram with it is a new version.
  await page.getByRole('status').filter({ hasText: 'Deployed' }).getByText('lead_scoring v2 (platform rights)').waitFor();
  const definition = (await b.api.get('/workflows')).body.data.find((d: { processId: string }) => d.processId === 'lead_scoring');
  expect(definition.versions.map((v: { version: number; platformRights: boolean }) => [v.version, v.platformRights])).toEqual([
    [2, true],
    [1, false],
  ]);

  const started = await b.api.post('/workflows/lead_scoring/instances', {});
  expect(started.body).toMatchObject({ version: 2, runAs: 'platform' });
  await page.goto(`${b.url}/modeler?instance=${started.body.id}`);
  await page.getByTestId('instance-rights').getByText('v2: platform rights · acts with: platform rights').waitFor();
  // Deploying this diagram again keeps its version's rights unless the administrator unticks them.
  await expect(page.getByRole('checkbox', { name: 'platform rights' }).isChecked()).resolves.toBe(true);
});
