// The designer's trigger and numbering editors (issue #20), as the seed's analyst (not an
// administrator) uses them in Polish: a new trigger starts a deployed workflow when a contractor is
// created, tried in the sandbox and applied without a restart; a salesperson in another browser
// creates a contractor and its workflow instance starts. The numbering editor previews the next
// offer numbers with the engine's own code (metadata/numbering.ts).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { nextNumbers } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser } from '../support/auth.ts';
import { ROOT, SCREENSHOTS } from './paths.ts';
import { otherBrowser, signInSuiteBrowser } from './second-browser.ts';
import { browserSuite } from './support.ts';

const APPROVAL = readFileSync(new URL('../fixtures/bpmn-ui/approval.bpmn', import.meta.url), 'utf8');
let operator: Awaited<ReturnType<typeof otherBrowser>> | undefined;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await createTestUser(b.env.platform, { login: 'analityk', roles: ['analyst'] });
  await createTestUser(b.env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  const deployed = await b.api.post('/workflows', APPROVAL, { 'content-type': 'application/xml' });
  if (deployed.status !== 201) throw new Error(`deploying: ${JSON.stringify(deployed.body)}`);
  await signInSuiteBrowser(b, 'analityk', 'pl');
  operator = await otherBrowser(b.url, 'handlowiec', 'en');
});

afterAll(async () => {
  await operator?.close();
});

/** A screenshot of one editor; with TESSERA_DOC_SCREENSHOTS=1 also copied into docs/screenshots (the docs' pictures), so plain runs leave the tree alone. */
async function docScreenshot(locator: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Clear of the app's sticky head.
  await locator.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await locator.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  if (process.env.TESSERA_DOC_SCREENSHOTS === '1') copyFileSync(join(SCREENSHOTS, `${name}.png`), join(ROOT, 'docs', 'screenshots', `${name}.png`));
}

test('an analyst adds a trigger starting a deployed workflow; a salesperson creates a contractor and the workflow starts', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Elementy' });
  await items.getByRole('button', { name: '+ Nowy wyzwalacz' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nowy wyzwalacz' });
  await dialog.locator('input').first().fill('contractor_welcome');
  await dialog.locator('input').nth(1).fill('Welcome a contractor');
  await dialog.getByRole('button', { name: 'Dodaj' }).click();

  const editor = page.getByRole('region', { name: 'Edytor wyzwalacza' });
  await editor.getByLabel('Typ rekordu').selectOption({ label: 'Kontrahent' });
  await editor.getByLabel('Zdarzenie').selectOption('created');
  // The condition is checked as it is typed: a name that is no field of the record is flagged.
  const condition = editor.getByLabel('Warunek (FEEL, opcjonalny)');
  await condition.fill('contry = "pl"');
  await editor.getByText('contry').first().waitFor();
  await expect(condition.getAttribute('aria-invalid')).resolves.toBe('true');
  await condition.fill('country = "pl"');
  await expect(condition.getAttribute('aria-invalid')).resolves.toBe('false');
  // The process picker lists the deployed workflows; chosen with the keyboard.
  const process = editor.getByLabel('Wdrożony proces');
  await process.focus();
  await process.selectOption('approval');
  await expect(process.inputValue()).resolves.toBe('approval');
  await docScreenshot(editor, 'triggers-editor');

  // Tried in the sandbox first: the plan runs and is rolled back, nothing stored.
  const before = (await b.api.get('/meta')).body.version as number;
  await page.getByRole('button', { name: 'Wypróbuj w piaskownicy' }).click();
  const sandbox = page.getByRole('dialog', { name: 'Piaskownica: zmiana wypróbowana i wycofana' });
  await sandbox.getByText('nic nie zapisano').waitFor();
  // The change adds a trigger on contractors, so a sample contractor is tried — with the analyst's
  // rights, which create none: refused, and why in Polish (what a created one sets off is listed instead).
  await sandbox.locator('[data-sample="contractor"]').getByText('Nie masz uprawnień do tej operacji.').waitFor();
  await sandbox.getByRole('button', { name: 'Zamknij' }).click();
  expect((await b.api.get('/meta')).body.version).toBe(before);

  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  await page.getByRole('dialog', { name: 'Plan migracji' }).getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych' }).waitFor();
  const stored = (await b.api.get('/meta')).body.files['triggers/contractor_welcome.json'];
  expect(stored).toMatchObject({ kind: 'trigger', entity: 'contractor', on: 'created', condition: 'country = "pl"', start: { process: 'approval' } });

  // The salesperson, in another browser, without a restart: a new contractor starts the workflow.
  const other = operator!.context.pages()[0] ?? (await operator!.context.newPage());
  await other.goto(`${b.url}/r/contractor/new`);
  await other.locator('[data-field="name"] input').fill('Młyny Pomorskie Sp. z o.o.');
  await other.getByRole('button', { name: 'Save' }).click();
  await other.waitForURL(/\/r\/contractor\/[0-9a-f-]{36}$/);
  const id = other.url().split('/').pop()!;
  const instances = (await b.api.get(`/instances?record=contractor:${id}`)).body.data as { processId: string; status: string }[];
  expect(instances).toEqual([expect.objectContaining({ processId: 'approval', status: 'active' })]);
}, 120_000);

test('the numbering editor previews the next numbers of a series with the engine’s code', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Oferta', exact: true }).click();
  const numbering = page.getByRole('region', { name: 'Numeracja' });
  const timeZone = ((await b.api.get('/meta')).body.files['tessera.json'] as { timeZone?: string }).timeZone ?? 'UTC';
  const expected = nextNumbers('offer', { field: 'number', pattern: 'OF/{YYYY}/{seq:4}', reset: 'yearly' }, null, 3, new Date(), timeZone).numbers;
  await numbering.getByText(expected.join(', ')).waitFor();
  // A changed pattern previews at once.
  await numbering.getByRole('textbox', { name: 'Wzorzec', exact: true }).fill('OF/{YY}/{MM}/{seq:3}');
  const changed = nextNumbers('offer', { field: 'number', pattern: 'OF/{YY}/{MM}/{seq:3}', reset: 'yearly' }, null, 3, new Date(), timeZone).numbers;
  await numbering.getByText(changed.join(', ')).waitFor();
  await docScreenshot(numbering, 'numbering-editor');
}, 60_000);
