// The partner's history (#18): the seed's contractor card rolls its deals' activities into its
// timeline (timeline.include), names the deal they are on, and filters by kind.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

let contractorId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  contractorId = await createRecord(b, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' });
  const deal = await createRecord(b, 'deal', { name: 'Flota 12 aut', contractor: contractorId, deal_date: '2026-11-02' });
  await createRecord(b, 'activity', { kind: 'note', subject: 'Prefers e-mail', contractor: contractorId });
  await createRecord(b, 'activity', { kind: 'call', subject: 'Price negotiation call', deal, direction: 'outbound' });
});

test("the contractor's card shows a deal's activity in its timeline, and filters by kind", async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${contractorId}`);
  const timeline = page.getByRole('complementary', { name: 'Activities' });
  const call = timeline.locator('.timeline-item').filter({ hasText: 'Price negotiation call' });
  await call.waitFor();
  await call.getByRole('link', { name: 'Flota 12 aut' }).waitFor();
  await expect(timeline.locator('.timeline-subject').allTextContents()).resolves.toEqual(['Price negotiation call', 'Prefers e-mail']);
  await timeline.getByRole('combobox', { name: 'Kind' }).selectOption('note');
  await timeline.locator('.timeline-subject').filter({ hasText: 'Prefers e-mail' }).waitFor();
  await call.waitFor({ state: 'detached' });
  await b.screenshot('partner-history');
});
