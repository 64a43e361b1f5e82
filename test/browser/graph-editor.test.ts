// The designer's pipeline and status-machine graph (issue #20), as the seed's analyst (not an
// administrator) uses it in Polish: a new transition of the lead status machine drawn by dragging from
// "Contacted" to "New", given a guard (the lead needs a phone) checked as it is typed, one plan applied
// — and a salesperson signed in in another browser is at once offered the new transition, refused by
// its guard for a lead without a phone and allowed for one with it. Then removing the "Nurturing"
// state added with it, once a lead is in it, shows in the plan how many records hold it and where they go.
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser } from '../support/auth.ts';
import { SCREENSHOTS } from './paths.ts';
import { otherBrowser, signInSuiteBrowser, type OtherBrowser } from './second-browser.ts';
import { browserSuite } from './support.ts';

let operator: OtherBrowser | undefined;
let withPhone: string;
let withoutPhone: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await createTestUser(b.env.platform, { login: 'analityk', roles: ['analyst'] });
  const salesperson = await createTestUser(b.env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  // Two leads of the salesperson's, already contacted: one with a phone, one without.
  for (const [title, phone] of [['Lead z telefonem', '+48 600 100 200'], ['Lead bez telefonu', null]] as const) {
    // Created for the salesperson (who reads and updates their own leads), by the platform.
    const ctx = { actor: { userId: salesperson, via: 'system' as const } };
    const lead = await b.env.platform.records.create(ctx, 'lead', { title, ...(phone ? { phone } : {}) });
    await b.env.platform.records.update(ctx, 'lead', String(lead.id), { status: 'contacted' }, { expectedVersion: lead.version as number });
    if (phone) withPhone = String(lead.id);
    else withoutPhone = String(lead.id);
  }
  // The analyst in the suite's browser, in Polish; the operator in another browser, another session, in English.
  await signInSuiteBrowser(b, 'analityk', 'pl');
  operator = await otherBrowser(b.url, 'handlowiec', 'en');
});

afterAll(async () => {
  await operator?.close();
});

/** The operator's choices for the lead's status in its edit form (moves not allowed are shown disabled). */
async function statusChoices(p: Page, id: string): Promise<string[]> {
  await p.goto(`${b.url}/r/lead/${id}`);
  await p.getByRole('button', { name: 'Edit', exact: true }).click();
  const select = p.locator('[data-field="status"] select').first();
  await select.waitFor();
  return (await select.locator('option:not([disabled])').allTextContents()).map((o) => o.trim()).filter(Boolean);
}

/** Drags with the mouse from the centre of one element to the centre of another. */
async function drag(p: Page, from: string, to: string): Promise<void> {
  const a = (await p.locator(from).boundingBox())!;
  const z = (await p.locator(to).boundingBox())!;
  await p.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await p.mouse.down();
  await p.mouse.move(z.x + z.width / 2, z.y + z.height / 2, { steps: 8 });
  await p.mouse.up();
}

test('an analyst draws a guarded transition; an operator is offered it at once, refused or allowed by the guard; removing a state shows its records in the plan', async () => {
  const { page } = b;
  const other = operator!.context.pages()[0] ?? (await operator!.context.newPage());
  // Before: from Contacted the operator may not go back to New.
  expect(await statusChoices(other, withPhone)).not.toContain('New');

  await page.goto(`${b.url}/designer`);
  await page.getByRole('navigation', { name: 'Elementy' }).getByRole('button', { name: 'Status leada' }).click();
  const graph = page.getByRole('region', { name: 'Graf' });
  await graph.locator('[data-graph-node="contacted"]').waitFor();
  // Who reacts to entering a state: the lead_closed trigger on Qualified.
  await graph.locator('[data-graph-node="qualified"]').focus();
  await graph.getByRole('region', { name: 'Zakwalifikowany' }).getByText('publikuje komunikat lead-closed').waitFor();
  // A node moved with the keyboard keeps its place as a layout hint.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');

  // The arrow drawn by dragging from Contacted's handle onto New; it is selected for editing.
  await drag(page, '[data-graph-handle="contacted"]', '[data-graph-node="new"]');
  await graph.locator('[data-graph-edge="contacted>new"]').waitFor();
  const arrow = graph.getByRole('region', { name: 'Nawiązano kontakt → Nowy' });
  const guard = arrow.getByLabel('Warunek (FEEL)');
  // Checked as it is typed: an unknown name is flagged, then the right condition is valid.
  await guard.fill('telefon != null');
  await arrow.getByText(/telefon/).last().waitFor();
  expect(await guard.getAttribute('aria-invalid')).toBe('true');
  await guard.fill('phone != null');
  await arrow.getByText('Poprawny warunek').waitFor();
  await arrow.getByLabel('Komunikat, gdy warunek nie pozwala en').fill('A lead goes back to new only with a phone number');
  await arrow.getByLabel('Komunikat, gdy warunek nie pozwala pl').fill('Lead wraca do nowych tylko z numerem telefonu');
  await arrow.getByLabel('Etykieta przejścia en').fill('Back to new');
  // The arrow is in the keyboard-usable list of transitions too.
  await graph.getByRole('list', { name: 'Przejścia' }).getByRole('button', { name: /Nawiązano kontakt → Nowy \(Back to new\)/ }).waitFor();
  // A new state, and an arrow into it drawn from the keyboard (the node's panel: "draw a transition to").
  await graph.getByLabel('Nazwa (a–z, 0–9, _)').fill('nurturing');
  await graph.getByLabel('Etykieta', { exact: true }).last().fill('Nurturing');
  await graph.getByRole('button', { name: '+ Dodaj węzeł' }).click();
  await graph.locator('[data-graph-node="nurturing"]').waitFor();
  await graph.locator('[data-graph-node="new"]').focus();
  const fromNew = graph.getByRole('region', { name: 'Nowy' });
  await fromNew.getByLabel('Narysuj przejście do').selectOption({ label: 'Nurturing' });
  await fromNew.getByRole('button', { name: 'Narysuj' }).click();
  await graph.locator('[data-graph-edge="new>nurturing"]').waitFor();
  await graph.locator('[data-graph-edge="contacted>new"]').click();
  await arrow.waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'graph-editor.png'), fullPage: false });
  // The graph and its panel alone (docs/screenshots/graph-editor.png), cut from the whole page so the app's header does not cover it.
  const clip = await graph.locator('.state-graph-body').evaluate((e) => {
    const r = e.getBoundingClientRect();
    const view = globalThis as unknown as { scrollX: number; scrollY: number };
    return { x: r.x + view.scrollX, y: r.y + view.scrollY, width: r.width, height: Math.min(r.height, 640) };
  });
  await page.screenshot({ path: join(SCREENSHOTS, 'graph-editor-graph.png'), fullPage: true, clip });

  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  const plan = page.getByRole('dialog', { name: 'Plan migracji' });
  await plan.getByRole('button', { name: 'Zastosuj w bazie danych' }).click();
  await page.getByRole('status').filter({ hasText: 'Zastosowano: wersja metadanych' }).waitFor();
  const stored = (await b.api.get('/meta')).body.files['status-machines/lead.json'] as { states: { name: string; position?: unknown }[]; transitions: { from: string[]; to: string; guard?: string }[] };
  expect(stored.transitions.find((t) => t.to === 'new')).toMatchObject({ from: ['contacted'], guard: 'phone != null' });
  expect(stored.states.find((s) => s.name === 'qualified')!.position).toEqual({ x: 24 + 2 * 240, y: 24 + 16 });

  // The operator, in the other browser, without a restart: New is offered from Contacted.
  expect(await statusChoices(other, withoutPhone)).toContain('New');
  await other.locator('[data-field="status"] select').first().selectOption({ label: 'New' });
  await other.getByRole('button', { name: 'Save' }).click();
  await other.getByText('A lead goes back to new only with a phone number').first().waitFor();
  expect((await b.api.get(`/records/lead/${withoutPhone}`)).body.status).toBe('contacted');
  expect(await statusChoices(other, withPhone)).toContain('New');
  await other.locator('[data-field="status"] select').first().selectOption({ label: 'New' });
  await other.getByRole('button', { name: 'Save' }).click();
  await other.getByText('version 3').waitFor();
  expect((await b.api.get(`/records/lead/${withPhone}`)).body.status).toBe('new');

  // Removing Nurturing, which a lead is in by now: the plan says how many records hold it and where they go.
  const third = await b.api.get(`/records/lead/${withPhone}`);
  const nurtured = await b.api.patch(`/records/lead/${withPhone}`, { status: 'nurturing', version: third.body.version });
  expect(nurtured.status).toBe(200);
  await page.locator('[data-graph-node="nurturing"]').focus();
  await page.keyboard.press('Delete');
  await expect(page.locator('[data-graph-node="nurturing"]').count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Przejrzyj zmiany' }).click();
  const removal = page.getByRole('dialog', { name: 'Plan migracji' });
  const note = removal.locator('.plan-records');
  await note.waitFor();
  expect(await note.textContent()).toMatch(/^Rekordów z wartością nurturing \(1\): 1; /);
  await b.screenshot('graph-editor-removal-plan');
  await removal.getByRole('button', { name: 'Anuluj' }).click();
}, 180_000);
