// Issue #11: an entity type a connector contributes (connectors/<id>/…) shows in the designer as the
// connector's, read-only; the analyst's own items stay editable.
import type { Connector } from '../../engine/connectors/platform-api.ts';
import { browserSuite } from './support.ts';

const probe: Connector = {
  id: 'probe',
  label: { pl: 'Skrzynki', en: 'Mailboxes', ro: 'Căsuțe' },
  metadata: {
    'entities/mailbox.json': {
      kind: 'entity',
      id: 'probe.mailbox',
      name: 'probe_mailbox',
      label: { en: 'Probe mailbox', pl: 'Skrzynka próbna', ro: 'Căsuță de probă' },
      fields: [{ id: 'probe.mailbox.address', name: 'address', type: 'email', label: { en: 'Address', pl: 'Adres', ro: 'Adresă' } }],
    },
  },
};

const b = browserSuite({ connectors: [probe] });

test('a connector’s entity type is shown as the connector’s and cannot be edited', async () => {
  const { page } = b;
  await page.goto(`${b.url}/designer`);
  const items = page.getByRole('navigation', { name: 'Items' });
  await items.getByRole('button', { name: 'Probe mailbox' }).click();
  await page.getByRole('note').filter({ hasText: 'Provided by the connector “probe”' }).waitFor();
  const fields = page.getByRole('region', { name: 'Fields' });
  await fields.locator('[data-field-row="address"]').waitFor();
  await expect(fields.getByRole('button', { name: 'Add field' }).isDisabled()).resolves.toBe(true);
  await expect(page.locator('fieldset.plain-fieldset input').first().isDisabled()).resolves.toBe(true);

  // The analyst's own entity types are editable as before.
  await items.getByRole('button', { name: 'Contractor', exact: true }).click();
  await expect(page.getByRole('note').filter({ hasText: 'Provided by the connector' }).count()).resolves.toBe(0);
  await expect(page.getByRole('region', { name: 'Fields' }).getByRole('button', { name: 'Add field' }).isDisabled()).resolves.toBe(false);
  expect(b.takePageErrors()).toEqual([]);
});
