// A contractor's card: its activities across kinds, newest first; logging a call from the card
// (with the call's conditional requirement checked in the browser); related deals; history.
import { browserSuite } from './support.ts';

let contractorId: string;

const b = browserSuite({}, async (b) => {
  const contractor = await b.api.post('/records/contractor', { name: 'Mostostal Kraków', city: 'Kraków' });
  contractorId = contractor.body.id;
  const activity = async (values: Record<string, unknown>) => {
    const res = await b.api.post('/records/activity', { contractor: contractorId, ...values });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  };
  await activity({ kind: 'call', subject: 'Introductory call', status: 'resolved', duration_min: 15, direction: 'outbound' });
  await activity({ kind: 'note', subject: 'Prefers e-mail contact' });
  await activity({ kind: 'task', subject: 'Send the price list', deadline: new Date(Date.now() + 86_400_000).toISOString(), priority: 'high' });
  await b.api.post('/records/deal', { title: 'Bridge bearings', contractor: contractorId, value: { amount: 250000, currency: 'PLN' } });
});

const timeline = () => b.page.getByRole('complementary', { name: 'Activities' });

test('the card shows every activity of the contractor across kinds, newest first', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor`);
  await page.getByRole('link', { name: 'Mostostal Kraków' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Mostostal Kraków' }).waitFor();
  await timeline().getByText('Send the price list').waitFor();
  const subjects = await timeline().locator('.timeline-subject').allTextContents();
  expect(subjects).toEqual(['Send the price list', 'Prefers e-mail contact', 'Introductory call']);
  await expect(timeline().locator('.timeline-item').first().getByText('Task').isVisible()).resolves.toBe(true);
  await b.screenshot('record-card');
});

test('logging a call from the card: a resolved call needs its duration', async () => {
  const { page } = b;
  await timeline().getByRole('button', { name: 'Log activity' }).click();
  const dialog = page.getByRole('dialog', { name: 'Log activity' });
  const field = (name: string) => dialog.locator(`[data-field="${name}"]`);
  await field('kind').locator('select').selectOption('call');
  // Kind-specific fields follow the kind: a call has a duration, a task is billable.
  await field('duration_min').waitFor();
  await expect(field('billable').count()).resolves.toBe(0);
  await field('subject').locator('input').fill('Follow-up call');
  await field('status').locator('select').selectOption('resolved');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await field('duration_min').getByText('is required here').waitFor();
  await field('duration_min').locator('input').fill('20');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await timeline().locator('.timeline-subject').first().filter({ hasText: 'Follow-up call' }).waitFor();
  const stored = await b.api.get(`/records/contractor/${contractorId}/activities?limit=1`);
  expect(stored.body.data[0]).toMatchObject({ kind: 'call', subject: 'Follow-up call', status: 'resolved', duration_min: 20, contractor: contractorId });
});

test('related deals and the history of the card', async () => {
  const { page } = b;
  await page.getByRole('region', { name: /Deals · Contractor/ }).getByRole('link', { name: 'Bridge bearings' }).waitFor();
  await page.getByRole('tab', { name: 'History' }).click();
  await page.locator('.history').getByText('created').waitFor();
  // Editing the card (the read view turns editable on Edit) adds to its history.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.locator('[data-field="city"] input').fill('Kraków-Podgórze');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('version 2').waitFor();
  await page.locator('.history').getByText('Kraków-Podgórze').waitFor();
});
