// Day one in the shipped CRM (issue #10), the words: workflow tasks reach somebody, in their
// language, and open their process form; a lead converts into contractor, contact and deal in one
// step; history names referenced records; server refusals read in the user's language. The seed
// package with the shipped workflows deployed, in Polish.
import { deployShippedWorkflows } from '../../engine/seeding.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite } from './support.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await deployShippedWorkflows(b.env.platform);
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

const create = async (entity: string, values: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const res = await b.api.post(`/records/${entity}`, values);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as Record<string, unknown>;
};

test('a shipped workflow’s task reaches the lead’s owner in Polish, reads for people, and opens its process form', async () => {
  const { page } = b;
  // Nobody responsible: the lead's owner (who created it) gets the qualification task.
  const lead = await create('lead', { title: 'Wdrożenie CRM w hurtowni Elektro-Max' });
  const tasks = (await b.api.get(`/records/activity?filter=${encodeURIComponent(JSON.stringify({ lead: { eq: lead.id } }))}`)).body.data as Record<string, unknown>[];
  expect(tasks).toHaveLength(1);
  expect(String(tasks[0]!.description)).not.toMatch(UUID);
  expect(String(tasks[0]!.description)).not.toContain('camunda-forms');
  await page.goto(`${b.url}/tasks`);
  const row = page.locator(`[data-task="${String(tasks[0]!.id)}"]`);
  await row.getByRole('link', { name: 'Zakwalifikuj leada: Wdrożenie CRM w hurtowni Elektro-Max' }).click();
  const dialog = page.getByRole('dialog', { name: 'Zakwalifikuj leada: Wdrożenie CRM w hurtowni Elektro-Max' });
  await dialog.locator('[data-field="decision"]').waitFor();
  await b.screenshot('day-one-workflow-task-form');
  await dialog.locator('[data-field="decision"]').getByText('Decyzja').waitFor();
  await dialog.locator('[data-field="decision"] select').selectOption({ label: 'Zakwalifikowany' });
  await dialog.getByRole('button', { name: 'Zakończ' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect(b.api.get(`/records/lead/${String(lead.id)}`).then((r) => r.body.status)).resolves.toBe('qualified');
});

test('a workflow task opened from anywhere (its card, as a notification links it) offers its process form', async () => {
  const { page } = b;
  const lead = await create('lead', { title: 'Przegląd floty wózków' });
  const [task] = (await b.api.get(`/records/activity?filter=${encodeURIComponent(JSON.stringify({ lead: { eq: lead.id } }))}`)).body.data as Record<string, unknown>[];
  await page.goto(`${b.url}/r/activity/${String(task!.id)}`);
  await page.getByRole('button', { name: 'Wykonaj w formularzu procesu' }).click();
  const dialog = page.getByRole('dialog', { name: 'Zakwalifikuj leada: Przegląd floty wózków' });
  await dialog.locator('[data-field="decision"]').getByText('Decyzja').waitFor();
  await dialog.getByRole('button', { name: 'Anuluj' }).click();
  // An ordinary activity's card offers no process form.
  const plain = await create('activity', { kind: 'task', subject: 'Zwykłe zadanie' });
  await page.goto(`${b.url}/r/activity/${String(plain.id)}`);
  await page.getByTestId('record-title').waitFor();
  await expect(page.getByRole('button', { name: 'Wykonaj w formularzu procesu' }).count()).resolves.toBe(0);
});

test('history names the referenced records instead of id fragments', async () => {
  const { page } = b;
  const first = await create('contractor', { name: 'Stalbud Sp. z o.o.' });
  const second = await create('contractor', { name: 'Elektromont S.A.' });
  const deal = await create('deal', { name: 'Rozdzielnice dla hali', contractor: first.id });
  expect((await b.api.patch(`/records/deal/${String(deal.id)}`, { contractor: second.id, version: deal.version })).status).toBe(200);
  await page.goto(`${b.url}/r/deal/${String(deal.id)}`);
  await page.getByRole('tab', { name: 'Historia' }).click();
  const change = page.locator('.history-changes li').filter({ hasText: 'Klient' }).first();
  await expect(change.textContent()).resolves.toBe('Klient: Stalbud Sp. z o.o. → Elektromont S.A.');
  await expect(page.locator('.history').textContent()).resolves.not.toContain(String(first.id).slice(0, 8));
  // A line that shows nothing changing (an empty set of groups on create: "∅ → ∅") is left out.
  const lines = await page.locator('.history-changes li').allTextContents();
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.filter((line) => / ∅ → ∅$/.test(line))).toEqual([]);
  await b.screenshot('day-one-history-names');
});

test('converting a lead from its card creates contractor, contact person and deal in one step', async () => {
  const { page } = b;
  const lead = await create('lead', { title: 'Serwis drukarek w biurze', company_name: 'Biuro Rachunkowe „Saldo”', contact_name: 'Barbara Zając', email: 'biuro@saldo.example', interests: 'Abonament serwisowy.' });
  const call = await create('activity', { kind: 'task', subject: 'Oddzwonić do klientki', lead: lead.id });
  await page.goto(`${b.url}/r/lead/${String(lead.id)}`);
  await page.getByRole('button', { name: 'Przekształć w transakcję' }).click();
  const dialog = page.getByRole('dialog', { name: 'Przekształć leada „Serwis drukarek w biurze”' });
  await expect(dialog.getByRole('textbox', { name: 'Nowy kontrahent' }).inputValue()).resolves.toBe('Biuro Rachunkowe „Saldo”');
  await expect(dialog.getByRole('textbox', { name: 'Imię' }).inputValue()).resolves.toBe('Barbara');
  await expect(dialog.getByRole('textbox', { name: 'Nazwisko' }).inputValue()).resolves.toBe('Zając');
  await b.screenshot('day-one-lead-conversion');
  await page.setViewportSize({ width: 390, height: 844 });
  await b.screenshot('day-one-lead-conversion-390');
  await page.setViewportSize({ width: 1440, height: 900 });
  await dialog.getByRole('button', { name: 'Przekształć' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForURL(/\/r\/deal\/[0-9a-f-]{36}$/);
  const dealId = page.url().split('/').pop()!;
  await expect(page.getByTestId('record-title').textContent()).resolves.toBe('Serwis drukarek w biurze');
  const deal = (await b.api.get(`/records/deal/${dealId}?include=contractor,person`)).body;
  expect(deal).toMatchObject({ lead: lead.id, description: 'Abonament serwisowy.', contractor: { name: 'Biuro Rachunkowe „Saldo”' }, person: { first_name: 'Barbara', last_name: 'Zając' } });
  expect((await b.api.get(`/records/lead/${String(lead.id)}`)).body).toMatchObject({ status: 'converted', contractor: deal.contractor.id });
  expect((await b.api.get(`/records/activity/${String(call.id)}`)).body).toMatchObject({ deal: dealId, contractor: deal.contractor.id });
  // A converted lead offers no second conversion.
  await page.goto(`${b.url}/r/lead/${String(lead.id)}`);
  await page.getByTestId('record-title').waitFor();
  await expect(page.getByRole('button', { name: 'Przekształć w transakcję' }).count()).resolves.toBe(0);
});

test('server refusals and workflow words read in Polish: a record still referenced, a process’s status', async () => {
  const { page } = b;
  const contractor = await create('contractor', { name: 'Hurtownia Iskra' });
  await create('deal', { name: 'Oświetlenie magazynu', contractor: contractor.id });
  await page.goto(`${b.url}/r/contractor/${String(contractor.id)}`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Usuń' }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'Nie można usunąć' });
  await expect(notice.textContent()).resolves.toContain('Nie można usunąć: 1 rekord(ów) typu Transakcje wciąż się do niego odwołuje (pole Klient).');
  await expect(notice.textContent()).resolves.not.toContain('still referenced');
  await b.screenshot('day-one-delete-restricted-pl');
  // The lead's qualification process, its status in Polish.
  const lead = await create('lead', { title: 'Lead z procesem' });
  await page.goto(`${b.url}/r/lead/${String(lead.id)}`);
  await page.getByRole('tab', { name: 'Procesy' }).click();
  await page.locator('.fields-table td').filter({ hasText: 'Aktywna' }).first().waitFor();
});

test('the designer’s help reads in Polish', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Kontrahent', exact: true }).click();
  await page.getByText('Pole pokazywane jako tytuł rekordu i w wyszukiwarkach rekordów.').waitFor();
  await expect(page.getByText('Field shown as the record', { exact: false }).count()).resolves.toBe(0);
  await b.screenshot('day-one-designer-help-pl');
});

test('a board refusal reads in Polish, with the stages’ labels', async () => {
  const { page } = b;
  const contractor = await create('contractor', { name: 'Drukarnia Kolorland' });
  const reason = await create('lost_reason', { name: 'Termin' });
  const deal = await create('deal', { name: 'Maszyna offsetowa', contractor: contractor.id });
  expect((await b.api.patch(`/records/deal/${String(deal.id)}`, { stage: 'lost', lost_reason: reason.id, version: deal.version })).status).toBe(200);
  await page.goto(`${b.url}/board/sales`);
  const card = page.locator(`[data-id="${String(deal.id)}"]`);
  await card.dragTo(page.locator('[data-stage="offering"] .board-cards'));
  const notice = page.getByRole('alert').filter({ hasText: 'Przeniesienie odrzucone' });
  await notice.getByText('Etap: nie można przejść z „Utracona” do „Ofertowanie / oferta przygotowana”.').waitFor();
  await expect(notice.textContent()).resolves.not.toMatch(/cannot move|allowed:/);
  await b.screenshot('day-one-board-refused-pl');
  expect((await b.api.get(`/records/deal/${String(deal.id)}`)).body.stage).toBe('lost');
});
