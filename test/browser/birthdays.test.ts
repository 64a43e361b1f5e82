// Yearly dates in the app's calendar (#14): the seed's person.birthdays view (recurrence: yearly)
// puts each birthday on its day and month of the shown year, named "Urodziny: …", not draggable;
// 29 February shows on the 28th in a common year.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const year = new Date().getFullYear();
const common = [year, year + 1, year + 2, year + 3].find((y) => new Date(y, 1, 29).getMonth() !== 1)!;
let janId: string;
let ewaId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  const contractor = await createRecord(b, 'contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  janId = await createRecord(b, 'person', { contractor, first_name: 'Jan', last_name: 'Kowalski', birthday: '1985-03-14' });
  ewaId = await createRecord(b, 'person', { contractor, first_name: 'Ewa', last_name: 'Nowak', birthday: '1988-02-29' });
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

test('a birthday shows on its day in the month view of any year, as a yearly, fixed entry', async () => {
  const { page } = b;
  for (const y of [year, year + 5]) {
    await page.goto(`${b.url}/calendar?date=${y}-03-01`);
    const entry = page.locator(`[data-day="${y}-03-14"] [data-id="${janId}"]`);
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toContain('Urodziny: Kowalski');
    await expect(entry.getAttribute('draggable')).resolves.toBe('false');
    await expect(entry.getAttribute('class')).resolves.toContain('yearly');
  }
  await b.screenshot('calendar-birthdays');
});

test('29 February comes on the 28th in a common year', async () => {
  const { page } = b;
  await page.goto(`${b.url}/calendar?date=${common}-02-01`);
  await page.locator(`[data-day="${common}-02-28"] [data-id="${ewaId}"]`).waitFor();
});
