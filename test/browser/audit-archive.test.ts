// A record whose first changes were archived by the audit retention (TESSERA_AUDIT_RETENTION_MONTHS,
// engine/db/audit-partitions.ts): its history tab shows the changes kept and says that those before
// the archive's date are archived.
import { archiveAuditMonths, monthOf, monthStart } from '../../engine/db/audit-partitions.ts';
import { browserSuite, createRecord } from './support.ts';

let id = '';
const b = browserSuite({}, async (b) => {
  id = await createRecord(b, 'contractor', { name: 'Archived Ltd' });
});

test('the history tab says that changes before the archive date are archived', async () => {
  const current = monthOf(new Date());
  // As if two months passed with no month kept: the create is archived.
  await archiveAuditMonths(b.env.platform.knex, 0, monthStart(current, 2));
  expect((await b.api.patch(`/records/contractor/${id}`, { name: 'Archived Group Ltd', version: 1 })).status).toBe(200);
  const { page } = b;
  await page.goto(`${b.url}/r/contractor/${id}`);
  await page.getByRole('tab', { name: 'History' }).click();
  await page.locator('.history').getByText('Archived Ltd').waitFor();
  const before = monthStart(current, 2).toISOString().slice(0, 10);
  await page.getByText(/^Changes before .+ are archived \(audit trail retention\)\.$/).waitFor();
  expect((await b.api.get(`/records/contractor/${id}/history`)).body.archived).toEqual({ before: `${before}T00:00:00.000Z`, complete: false });
});
