// The connectors page (#11 §5), in Polish, as an administrator uses it: the installed connectors,
// enabling one and setting its secret through the settings form generated from its JSON Schema
// (the secret never comes back: the field stays empty and says it is set), and retrying a failed
// message of the outbox. At 1440 px and at 390 px.
import { connectors } from '../../connectors/index.ts';
import { browserSuite } from './support.ts';

const SECRET = 'whsec-browser-0123456789-SECRET';
let failedId = '';

const b = browserSuite({ connectors }, async (b) => {
  const [row] = (await b.env.platform
    .knex('tessera.outbox')
    .insert({ connector_id: 'webhooks', channel: 'webhooks', recipient: 'erp', payload: JSON.stringify({ event: 'contractor.create' }), idempotency_key: 'seed-1', state: 'failed', attempts: 6, max_attempts: 6, last_status: 503, last_error: 'the receiver answered 503' })
    .returning('id')) as { id: string }[];
  failedId = row!.id;
});

test('an administrator enables the webhooks connector with a secret and retries a failed message (pl)', async () => {
  const { page } = b;
  await page.goto(`${b.url}/`);
  await page.evaluate(() => localStorage.setItem('tessera.language', 'pl'));
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Konektory' }).click();
  await page.getByRole('heading', { name: 'Konektory' }).waitFor();
  const row = page.locator('[data-connector="webhooks"]');
  await row.getByText('Webhooki wychodzące').waitFor();
  await row.getByText('Wyłączony').waitFor();
  await page.locator('[data-connector="http"]').getByText('http:request', { exact: true }).waitFor();
  await b.screenshot('connectors-1440');

  await row.getByRole('button', { name: 'Konfiguruj' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ustawienia: Webhooki wychodzące' });
  await dialog.getByLabel('Włączony (konektor działa)').check();
  const secret = dialog.getByLabel('Sekret podpisu');
  expect(await secret.getAttribute('type')).toBe('password');
  await secret.fill(SECRET);
  await b.screenshot('connectors-settings');
  await dialog.getByRole('button', { name: 'Zapisz' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.getByText('Włączony', { exact: true }).waitFor();
  const saved = (await b.api.get('/connectors/webhooks/settings')).body;
  expect(saved).toMatchObject({ enabled: true, secretsSet: ['/signingSecret'] });
  expect(JSON.stringify(saved)).not.toContain(SECRET);

  // Opened again: the secret is not in the page, the field says it is set; saving keeps it.
  await row.getByRole('button', { name: 'Konfiguruj' }).click();
  const again = page.getByRole('dialog', { name: 'Ustawienia: Webhooki wychodzące' });
  await expect(again.getByLabel('Sekret podpisu').inputValue()).resolves.toBe('');
  expect(await again.getByLabel('Sekret podpisu').getAttribute('placeholder')).toContain('ustawiony');
  expect(await page.content()).not.toContain(SECRET);
  await again.getByRole('button', { name: 'Zapisz' }).click();
  await again.waitFor({ state: 'detached' });
  expect((await b.api.get('/connectors/webhooks/settings')).body.secretsSet).toEqual(['/signingSecret']);

  // The outbox: the failed message is retried.
  const message = page.locator(`[data-message="${failedId}"]`);
  await message.getByText('nieudane').waitFor();
  await message.getByText('the receiver answered 503').waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await b.screenshot('connectors-390');
  await message.getByRole('button', { name: 'Ponów' }).click();
  await page.locator(`[data-message="${failedId}"][data-state="queued"]`).getByText('w kolejce').waitFor();
  expect((await b.api.get(`/outbox/${failedId}`)).body.state).toBe('queued');
  expect(b.takePageErrors()).toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
});
