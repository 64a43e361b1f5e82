// Tasks: my tasks with sub-tasks, progress and priority; completing one; my teams' unassigned
// tasks and taking one; daily tracking per operator; and the home page's tasks due.
import { readFileSync } from 'node:fs';
import { browserSuite } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({}, async (b) => {
  const me = b.server.adminId;
  const contractor = await b.api.post('/records/contractor', { name: 'Elektrobud' });
  const task = async (key: string, values: Record<string, unknown>) => {
    const res = await b.api.post('/records/activity', { kind: 'task', assignee: me, contractor: contractor.body.id, ...values });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids[key] = res.body.id;
  };
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
  await task('tender', { subject: 'Prepare the tender', priority: 'high', deadline: inDays(3) });
  await task('costs', { subject: 'Estimate costs', parent: ids.tender, deadline: inDays(1) });
  await task('drawings', { subject: 'Check the drawings', parent: ids.tender, deadline: inDays(2) });
  await task('invoice', { subject: 'Chase the unpaid invoice', priority: 'urgent', deadline: inDays(-1) });
  await b.api.post('/records/deal', { title: 'Switchboards', contractor: contractor.body.id, value: { amount: 80000, currency: 'PLN' } });
  await b.api.post('/records/deal', { title: 'Cabling', contractor: contractor.body.id, stage: 'meeting', value: { amount: 30000, currency: 'PLN' } });
});

const task = (key: string) => b.page.locator(`[data-task="${ids[key]}"]`);

test('my tasks: main tasks with their sub-tasks, priority, progress and overdue marks', async () => {
  const { page } = b;
  await page.goto(`${b.url}/tasks`);
  await task('tender').waitFor();
  const order = await page.locator('.task-subject').allTextContents();
  // Sorted by deadline, sub-tasks right under their main task.
  expect(order).toEqual(['Chase the unpaid invoice', 'Prepare the tender', 'Estimate costs', 'Check the drawings']);
  await task('tender').getByText('0/2 sub-tasks').waitFor();
  await task('invoice').getByText('Overdue', { exact: false }).waitFor();
  await task('invoice').getByText('Urgent').waitFor();
  await expect(task('costs').getAttribute('class')).resolves.toContain('task-sub');
  await b.screenshot('tasks');
});

test('completing a sub-task resolves it and counts it on its main task, whose own progress stays', async () => {
  await task('costs').getByRole('checkbox').check();
  await b.page.getByRole('status').filter({ hasText: 'Completed' }).waitFor();
  await task('tender').getByText('1/2 sub-tasks').waitFor();
  // The main task's progress is its own percent_done (issue #10): not 50 % from its sub-tasks.
  await expect(task('tender').locator('.task-progress').textContent()).resolves.toContain('0 %');
  const stored = await b.api.get(`/records/activity/${ids.costs}`);
  expect(stored.body).toMatchObject({ status: 'resolved', percent_done: 100 });
  expect(stored.body.resolved_at).toEqual(expect.any(String));
});

test("my tasks include my teams' unassigned tasks (not other teams'); taking one makes me its assignee", async () => {
  const { page } = b;
  const me = b.server.adminId;
  const desk = await b.api.post('/teams', { name: 'desk', label: 'Front desk', members: [me] });
  const field = await b.api.post('/teams', { name: 'field', label: 'Field service' });
  const queued = await b.api.post('/records/activity', { kind: 'task', subject: 'Call the new lead', team: desk.body.id });
  const elsewhere = await b.api.post('/records/activity', { kind: 'task', subject: 'Repair the pump', team: field.body.id });
  expect([desk.status, field.status, queued.status, elsewhere.status]).toEqual([201, 201, 201, 201]);
  await page.goto(`${b.url}/tasks`);
  const row = page.locator(`[data-task="${queued.body.id}"]`);
  await row.getByText('For the team Front desk').waitFor();
  await expect(page.locator(`[data-task="${elsewhere.body.id}"]`).count()).resolves.toBe(0);
  await b.screenshot('tasks-team-queue');
  await row.getByRole('button', { name: 'Take' }).click();
  await page.getByRole('status').filter({ hasText: 'Taken' }).waitFor();
  await row.getByText('Test Administrator').waitFor();
  await expect(row.getByRole('button', { name: 'Take' }).count()).resolves.toBe(0);
  const stored = await b.api.get(`/records/activity/${queued.body.id}?include=team`);
  expect(stored.body).toMatchObject({ assignee: me, team: { id: desk.body.id, name: 'desk', label: 'Front desk' } });
  // A reload lists it as mine (assigned now), with its team.
  await page.reload();
  await row.getByText('Front desk').waitFor();
  await expect(row.getByText('For the team', { exact: false }).count()).resolves.toBe(0);
});

const APPROVAL = readFileSync(new URL('../fixtures/bpmn-ui/approval.bpmn', import.meta.url), 'utf8');

test('completing a workflow user task opens its form; the data moves the process on', async () => {
  const deployed = await b.api.post('/workflows', APPROVAL, { 'content-type': 'application/xml' });
  if (deployed.status === 404) return; // no workflow API on this server
  const started = await b.api.post('/workflows/approval/instances', {});
  expect(started.status).toBe(201);
  const { page } = b;
  await page.goto(`${b.url}/tasks`);
  const task = page.locator('.task').filter({ hasText: 'Approve the discount' });
  await task.getByRole('checkbox').click();
  const dialog = page.getByRole('dialog', { name: 'Approve the discount' });
  const field = (name: string) => dialog.locator(`[data-field="${name}"]`);
  await field('decision').waitFor();
  await dialog.getByRole('button', { name: 'Complete' }).click();
  await field('decision').getByText('is required').waitFor();
  await field('decision').locator('select').selectOption('yes');
  await field('discount').locator('input').fill('12');
  await b.screenshot('tasks-workflow-form');
  await dialog.getByRole('button', { name: 'Complete' }).click();
  await dialog.waitFor({ state: 'detached' });
  const instance = await b.api.get(`/instances/${started.body.id}`);
  expect(instance.body).toMatchObject({ status: 'completed', variables: { decision: 'yes', discount: 12 } });
});

test('daily tracking shows done and not done per operator and day', async () => {
  await b.page.getByRole('tab', { name: 'Daily tracking' }).click();
  const row = b.page.locator('.daily tbody tr').filter({ hasText: 'Test Administrator' });
  await row.waitFor();
  await expect(row.locator('.ok').allTextContents()).resolves.toContain('✓1');
  await b.screenshot('tasks-daily');
});

test('the home page shows the tasks due (and, without a dashboard in the metadata, says so)', async () => {
  const { page } = b;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const due = page.getByRole('region', { name: 'Tasks due' });
  await due.getByRole('link', { name: 'Chase the unpaid invoice' }).waitFor();
  // This package declares no dashboard: the home page's widgets come from metadata (test/browser/dashboard.test.ts).
  await page.getByText('No dashboard for your roles.').waitFor();
  await b.screenshot('dashboard');
});
