// A record's read view writes dates, numbers and amounts as the app's language does, whatever the
// browser's own language (the suite's browser is en-GB): a Polish user reads "25.11.2026" and
// "12 345,50 zł", not "25/11/2026" or "12345.5"; in Romanian "25.11.2026" and "12.345,50 RON".
// Editing gives the native inputs back, with the stored values.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const b = browserSuite({ packageDir: SEED_METADATA_DIR });
const spaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

async function dealIn(language: 'pl' | 'ro', currency: string): Promise<void> {
  const { page } = b;
  await b.context.addInitScript((lang) => localStorage.setItem('tessera.language', lang), language);
  const contractor = await createRecord(b, 'contractor', { name: `Format ${language} S.A.`, contractor_type: 'company', country: 'pl' });
  const deal = await createRecord(b, 'deal', { name: `Wdrożenie ${language}`, contractor, deal_date: '2026-11-25', estimated_revenue: { amount: 12345.5, currency }, probability: 40 });
  await page.goto(`${b.url}/r/deal/${deal}`);
  await page.getByTestId('record-title').filter({ hasText: `Wdrożenie ${language}` }).waitFor();
}

const shown = (name: string) => b.page.locator(`.record-form [data-field="${name}"] input`).first();

test('Polish read view: a date as 25.11.2026 and an amount as 12 345,50 zł; editing shows the stored values', async () => {
  await dealIn('pl', 'PLN');
  await expect(shown('deal_date').inputValue()).resolves.toBe('25.11.2026');
  await expect(shown('estimated_revenue').inputValue().then(spaces)).resolves.toBe('12 345,50 zł');
  await expect(shown('probability').inputValue()).resolves.toBe('40');

  await b.page.getByRole('button', { name: 'Edytuj' }).first().click();
  await expect(shown('deal_date').getAttribute('type')).resolves.toBe('date');
  await expect(shown('deal_date').inputValue()).resolves.toBe('2026-11-25');
  await expect(shown('estimated_revenue').inputValue()).resolves.toBe('12345.5');
});

test('Romanian read view: 25.11.2026 and 12.345,50 RON', async () => {
  await dealIn('ro', 'RON');
  await expect(shown('deal_date').inputValue()).resolves.toBe('25.11.2026');
  await expect(shown('estimated_revenue').inputValue().then(spaces)).resolves.toBe('12.345,50 RON');
});
