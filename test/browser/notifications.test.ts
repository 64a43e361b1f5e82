// The notification centre (issue #10): the bell's unread count follows, without reloading the page,
// a task given to the user and a reminder written by another process; the list opens what a
// notification is about and marks it read; "mark all read" empties the count.
import pg from 'pg';
import { browserSuite } from './support.ts';

let jan: string;

const b = browserSuite({}, async (b) => {
  const user = await b.api.post('/users', { login: 'jan', displayName: 'Jan Kowalski', password: 'jan-password-123', roles: ['sales_assistant'], language: 'pl' });
  if (user.status !== 201) throw new Error(JSON.stringify(user.body));
  jan = user.body.id;
});

test('the bell counts live: an assignment and a reminder from another process arrive without a reload (Polish, phone)', async () => {
  const { page, context } = b;
  await context.clearCookies();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/`);
  await page.evaluate(() => localStorage.setItem('tessera.language', 'pl'));
  await page.reload();
  await page.getByLabel('Login').fill('jan');
  await page.getByLabel('Hasło').fill('jan-password-123');
  await page.getByRole('button', { name: 'Zaloguj' }).click();
  const bell = page.getByTestId('bell');
  await bell.waitFor();
  await expect(bell.getAttribute('aria-label')).resolves.toBe('Powiadomienia, nieprzeczytane: 0');
  await expect(page.getByTestId('bell-count').count()).resolves.toBe(0);

  // The administrator gives Jan a task (another browser, the API): the count appears by itself.
  const task = await b.api.post('/records/activity', { kind: 'task', subject: 'Zadzwonić do Iskry w sprawie oferty', assignee: jan });
  expect(task.status).toBe(201);
  await page.getByTestId('bell-count').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });

  // A workflow worker (another process, its own connection) writes a task reminder.
  const worker = new pg.Client({ connectionString: b.env.platform.db.url });
  await worker.connect();
  try {
    await worker.query(`INSERT INTO tessera.notifications (channel, user_id, subject, body, status) VALUES ('in-app', $1, 'Reminder: Oferta dla Iskry', 'Due 2026-03-02', 'delivered')`, [jan]);
  } finally {
    await worker.end();
  }
  await page.getByTestId('bell-count').filter({ hasText: '2' }).waitFor({ timeout: 10_000 });

  await bell.click();
  const panel = page.getByRole('dialog', { name: 'Powiadomienia' });
  await panel.getByText('Reminder: Oferta dla Iskry').waitFor();
  await panel.getByText('Przypisano Ci').waitFor();
  await b.screenshot('notifications-390');
  await panel.getByRole('button', { name: /Przypisano Ci.*Zadzwonić do Iskry/ }).click();
  await page.waitForURL(`${b.url}/r/activity/${task.body.id}`);
  await page.getByTestId('bell-count').filter({ hasText: '1' }).waitFor();

  await bell.click();
  await page.getByRole('dialog', { name: 'Powiadomienia' }).getByRole('button', { name: 'Oznacz wszystkie jako przeczytane' }).click();
  await page.getByTestId('bell-count').waitFor({ state: 'detached' });
  await expect(bell.getAttribute('aria-label')).resolves.toBe('Powiadomienia, nieprzeczytane: 0');
  expect((await b.api.get(`/records/activity/${task.body.id}`)).status).toBe(200);
  expect(((await b.env.platform.knex('tessera.notifications').where({ user_id: jan }).whereNull('read_at').count({ n: '*' })) as { n: number }[])[0]!.n).toBe(0);
});

test('a mention in an activity reaches the mentioned user, with the line that mentions them (desktop)', async () => {
  const { page, context } = b;
  await context.clearCookies();
  await page.setViewportSize({ width: 1440, height: 900 });
  const res = await context.request.post(`${b.url}/api/auth/login`, { data: { login: 'jan', password: 'jan-password-123' } });
  expect(res.ok()).toBe(true);
  await page.goto(`${b.url}/`);
  await page.getByTestId('bell').waitFor();
  // The administrator gives Jan a task, then mentions him in it (a mention reaches only who may read the activity).
  const note = await b.api.post('/records/activity', { kind: 'task', subject: 'Cennik 2026', assignee: jan, description: 'Wstępna wersja' });
  await page.getByTestId('bell-count').waitFor();
  await b.api.patch(`/records/activity/${note.body.id}`, { description: 'Wstępna wersja, @jan proszę sprawdzić rabaty', version: 1 });
  await page.getByTestId('bell').click();
  const panel = page.getByRole('dialog', { name: 'Powiadomienia' });
  await panel.getByText('Wspomniano o Tobie').waitFor();
  await panel.getByText('Wstępna wersja, @jan proszę sprawdzić rabaty').waitFor();
  await b.screenshot('notifications-1440');
});
