// The calendar: activities with a start in month and week views; dragging one to another day
// reschedules it (start and end move together).
import { browserSuite } from './support.ts';

let meetingId: string;
let dealId: string;
const at = (days: number, hour: number) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return d;
};
const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const b = browserSuite({}, async (b) => {
  const contractor = await b.api.post('/records/contractor', { name: 'Polimex' });
  const res = await b.api.post('/records/activity', { kind: 'call', subject: 'Call about the delivery', contractor: contractor.body.id, start_at: at(0, 10).toISOString(), end_at: at(0, 11).toISOString(), assignee: b.server.adminId });
  meetingId = res.body.id;
  await b.api.post('/records/activity', { kind: 'task', subject: 'Site visit', contractor: contractor.body.id, start_at: at(1, 9).toISOString(), assignee: b.server.adminId });
  const deal = await b.api.post('/records/deal', { title: 'Boiler replacement', contractor: contractor.body.id, follow_up: dayKey(at(2, 0)) });
  dealId = deal.body.id;
});

test('week view shows the activities in their hour; dragging one to the next day reschedules it', async () => {
  const { page } = b;
  await page.goto(`${b.url}/calendar?mode=week&date=${dayKey(at(0, 0))}`);
  const entry = page.locator(`[data-id="${meetingId}"]`);
  await entry.waitFor();
  await expect(page.locator(`[data-slot="${dayKey(at(0, 0))}T10"]`).getByText('Call about the delivery').isVisible()).resolves.toBe(true);
  await b.screenshot('calendar-week');
  // Within the week: today → the neighbouring day at 14:00 (the week is Monday to Sunday).
  const target = at(0, 0).getDay() === 0 ? -1 : 1;
  await entry.dragTo(page.locator(`[data-slot="${dayKey(at(target, 0))}T14"]`));
  await page.getByRole('status').filter({ hasText: 'Rescheduled' }).waitFor();
  const stored = await b.api.get(`/records/activity/${meetingId}`);
  expect(new Date(stored.body.start_at).getTime()).toBe(at(target, 14).getTime());
  expect(new Date(stored.body.end_at).getTime()).toBe(at(target, 15).getTime());
});

test('month view: activities and the records of calendar views (deal follow-ups); a date moves by days', async () => {
  const { page } = b;
  await page.getByRole('group', { name: 'view' }).getByRole('button', { name: 'Month' }).click();
  await page.locator(`[data-day="${dayKey(at(1, 0))}"]`).getByText('Site visit').waitFor();
  const followUp = page.locator(`[data-id="${dealId}"]`);
  await page.locator(`[data-day="${dayKey(at(2, 0))}"]`).getByText('Boiler replacement').waitFor();
  await b.screenshot('calendar-month');
  await followUp.dragTo(page.locator(`[data-day="${dayKey(at(3, 0))}"]`));
  await page.getByRole('status').filter({ hasText: 'Rescheduled' }).first().waitFor();
  await expect(b.api.get(`/records/deal/${dealId}`).then((r) => r.body.follow_up)).resolves.toBe(dayKey(at(3, 0)));
  // A source can be hidden.
  await page.getByRole('group', { name: 'Shown' }).getByLabel('Deal follow-ups').uncheck();
  await followUp.waitFor({ state: 'detached' });
});
