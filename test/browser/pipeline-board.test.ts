// The pipeline board: cards by stage with count and sums, drag to the next stage (a PATCH with
// If-Match), an illegal move refused with the engine's message, and lost with a reason.
import { browserSuite } from './support.ts';

const ids: Record<string, string> = {};

const b = browserSuite({}, async (b) => {
  const contractor = await b.api.post('/records/contractor', { name: 'Budimex' });
  const deal = async (key: string, values: Record<string, unknown>) => {
    const res = await b.api.post('/records/deal', { contractor: contractor.body.id, ...values });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids[key] = res.body.id;
  };
  await deal('fleet', { title: 'Fleet renewal', value: { amount: 100000, currency: 'PLN' } });
  await deal('crane', { title: 'Crane rental', stage: 'meeting', value: { amount: 50000, currency: 'PLN' } });
  await deal('office', { title: 'Office fit-out', value: { amount: 20000, currency: 'PLN' } });
});

const column = (stage: string) => b.page.locator(`[data-stage="${stage}"]`);
const card = (key: string) => b.page.locator(`[data-id="${ids[key]}"]`);

test('columns show the cards, their count, sum and probability-weighted sum', async () => {
  const { page } = b;
  await page.goto(`${b.url}/board/sales`);
  await card('fleet').waitFor();
  await expect(column('new').getByTestId('stage-count').textContent()).resolves.toBe('2');
  await expect(column('meeting').getByTestId('stage-count').textContent()).resolves.toBe('1');
  // new: 120 000 PLN at 10 %, meeting: 50 000 PLN at 20 %.
  await expect(column('new').getByTestId('stage-sum').textContent()).resolves.toMatch(/120,000\.00/);
  await expect(column('new').getByTestId('stage-weighted').textContent()).resolves.toMatch(/12,000\.00/);
  await expect(column('meeting').getByTestId('stage-weighted').textContent()).resolves.toMatch(/10,000\.00/);
  await b.screenshot('pipeline-board');
});

test('dragging a card to the next stage moves the deal', async () => {
  await card('fleet').dragTo(column('meeting').locator('.board-cards'));
  await column('meeting').locator(`[data-id="${ids.fleet}"]`).waitFor();
  await expect(column('meeting').getByTestId('stage-count').textContent()).resolves.toBe('2');
  const stored = await b.api.get(`/records/deal/${ids.fleet}`);
  expect(stored.body).toMatchObject({ stage: 'meeting', version: 2 });
});

test('an illegal move is refused in the user\'s words (stage and state labels from the engine\'s code and parameters) and the card stays', async () => {
  await card('crane').dragTo(column('won').locator('.board-cards'));
  const notice = b.page.getByRole('alert').filter({ hasText: 'Move refused' });
  await notice.getByText('Stage cannot go from “Meeting” to “Sale”.').waitFor();
  await column('meeting').locator(`[data-id="${ids.crane}"]`).waitFor();
  await expect(column('won').locator('.board-card').count()).resolves.toBe(0);
  expect((await b.api.get(`/records/deal/${ids.crane}`)).body.stage).toBe('meeting');
  await b.screenshot('pipeline-board-refused');
  await notice.getByRole('button', { name: 'close' }).click();
});

test('moving to lost asks for the reason and stores it', async () => {
  await card('office').dragTo(column('lost').locator('.board-cards'));
  const dialog = b.page.getByRole('dialog');
  await dialog.getByRole('textbox').fill('Chose a cheaper competitor');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await column('lost').locator(`[data-id="${ids.office}"]`).waitFor();
  expect((await b.api.get(`/records/deal/${ids.office}`)).body).toMatchObject({ stage: 'lost', lost_reason: 'Chose a cheaper competitor' });
});
