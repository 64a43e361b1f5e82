// Day one in the web app (issue #10): administration of users and teams, and the user's own account
// (password, API tokens, sessions), as an administrator and a new user would click through them.
import { TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD } from '../support/http.ts';
import { browserSuite, type BrowserEnv } from './support.ts';

const b = browserSuite({}, async (b) => {
  const team = await b.api.post('/teams', { name: 'north', label: 'Sales North' });
  if (team.status !== 201) throw new Error(JSON.stringify(team.body));
});

/** Signs the browser in as someone else (the support signed it in as the test administrator). */
async function signInAs(b: BrowserEnv, login: string, password: string, language = 'en'): Promise<void> {
  await b.context.clearCookies();
  await b.page.evaluate((l) => localStorage.setItem('tessera.language', l), language).catch(() => undefined);
  const res = await b.context.request.post(`${b.url}/api/auth/login`, { data: { login, password } });
  if (!res.ok()) throw new Error(`sign-in of ${login} failed: ${res.status()}`);
}

afterEach(async () => {
  await b.page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(b, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD);
});

test('an administrator invites a user; the temporary password is shown once; the user chooses their own at the first sign-in', async () => {
  const { page } = b;
  await page.goto(`${b.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByRole('button', { name: 'Invite user' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite user' });
  await dialog.getByLabel('Login').fill('olga');
  await dialog.getByLabel('Name').fill('Olga Lis');
  await dialog.getByLabel('E-mail').fill('olga@example.com');
  await dialog.getByRole('checkbox', { name: 'Sales assistant' }).check();
  await dialog.getByRole('checkbox', { name: 'Sales North' }).check();
  await b.screenshot('admin-invite');
  await dialog.getByRole('button', { name: 'Invite user' }).click();
  const shown = page.getByRole('dialog', { name: 'Temporary password of Olga Lis' });
  await shown.getByText('Tessera sends no e-mail yet').waitFor();
  const temporary = await shown.getByTestId('secret').inputValue();
  expect(temporary).toMatch(/^[\w-]{16}$/);
  await b.screenshot('admin-temporary-password');
  await shown.getByRole('button', { name: 'Close', exact: true }).click();
  const row = page.locator('[data-login="olga"]');
  await row.getByText('has a temporary password').waitFor();
  await row.getByText('Sales assistant').waitFor();
  await row.getByText('Sales North').waitFor();
  await b.screenshot('admin-users');
  const created = (await b.api.get('/users')).body.data.find((u: { login: string }) => u.login === 'olga');
  expect(created).toMatchObject({ displayName: 'Olga Lis', email: 'olga@example.com', roles: ['sales_assistant'], teams: ['north'], mustChangePassword: true, active: true });

  // Olga signs in on her phone with the temporary password and must choose her own first.
  await b.context.clearCookies();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/`);
  await page.getByLabel('Login').fill('olga');
  await page.getByLabel('Password').fill(temporary);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
  await expect(page.getByLabel('Current password').count()).resolves.toBe(0); // she just typed it
  await b.screenshot('first-password-390');
  await page.getByLabel('New password', { exact: true }).fill('olga own passphrase');
  await page.getByLabel('Repeat the new password').fill('olga own passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByTestId('user-name').filter({ hasText: 'Olga Lis' }).waitFor();
  expect((await b.api.post('/auth/login', { login: 'olga', password: 'olga own passphrase' })).body.user.mustChangePassword).toBe(false);
  expect((await b.api.post('/auth/login', { login: 'olga', password: temporary })).status).toBe(401);
});

test('an administrator edits roles and teams, resets a password and deactivates a user (phone width)', async () => {
  const { page } = b;
  const user = await b.api.post('/users', { login: 'piotr', displayName: 'Piotr Zieliński', password: 'piotr-password-1' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/admin/users`);
  const row = page.locator('[data-login="piotr"]');
  await row.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Piotr Zieliński' });
  await dialog.getByRole('checkbox', { name: 'Sales assistant' }).check();
  await dialog.getByRole('checkbox', { name: 'Sales North' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await row.getByText('Sales assistant').waitFor();
  expect((await b.api.get(`/users/${user.body.id}`)).body).toMatchObject({ roles: ['sales_assistant'], teams: ['north'] });

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Reset password' }).click();
  const temporary = await page.getByRole('dialog', { name: 'Temporary password of Piotr Zieliński' }).getByTestId('secret').inputValue();
  await b.screenshot('admin-reset-390');
  await page.getByRole('dialog', { name: 'Temporary password of Piotr Zieliński' }).getByRole('button', { name: 'Close', exact: true }).click();
  expect((await b.api.post('/auth/login', { login: 'piotr', password: 'piotr-password-1' })).status).toBe(401);
  expect((await b.api.post('/auth/login', { login: 'piotr', password: temporary })).body.user.mustChangePassword).toBe(true);

  const session = await b.api.post('/auth/login', { login: 'piotr', password: temporary });
  const cookie = session.headers.getSetCookie().map((c: string) => c.split(';')[0]).join('; ');
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await row.getByText('Deactivated').waitFor();
  await row.getByRole('button', { name: 'Reactivate' }).waitFor();
  await b.screenshot('admin-users-390');
  expect((await b.api.get(`/users/${user.body.id}`)).body.active).toBe(false);
  // Deactivation ended his session.
  expect((await fetch(`${b.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
});

test('teams: create one with members, change its members, delete it', async () => {
  const { page } = b;
  await b.api.post('/users', { login: 'ewa', displayName: 'Ewa Wrona', password: 'ewa-password-12' });
  await page.goto(`${b.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
  await page.getByRole('button', { name: 'New team' }).click();
  const dialog = page.getByRole('dialog', { name: 'New team' });
  await dialog.getByLabel('Identifier (a-z, 0-9, _)').fill('service');
  await dialog.getByLabel('Name', { exact: true }).fill('Service desk');
  await dialog.getByRole('checkbox', { name: /Ewa Wrona/ }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  const row = page.locator('[data-team="service"]');
  await row.getByText('Ewa Wrona').waitFor();
  await b.screenshot('admin-teams');
  const teams = (await b.api.get('/teams')).body.data as { name: string; label: string; members: string[] }[];
  expect(teams.find((t) => t.name === 'service')).toMatchObject({ label: 'Service desk', members: [expect.any(String)] });

  await row.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog', { name: 'Edit team Service desk' }).getByRole('checkbox', { name: /Ewa Wrona/ }).uncheck();
  await page.getByRole('dialog', { name: 'Edit team Service desk' }).getByRole('button', { name: 'Save' }).click();
  await expect(row.getByText('Ewa Wrona').waitFor({ state: 'detached' })).resolves.toBeUndefined();
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  expect(((await b.api.get('/teams')).body.data as { name: string }[]).map((t) => t.name)).toEqual(['north']);
});

test('my account (Romanian, phone): an API token with chosen scopes and expiry, shown once, works and is revoked; other sessions signed out; the password changed', async () => {
  const { page } = b;
  await b.api.post('/users', { login: 'ioana', displayName: 'Ioana Pop', password: 'ioana-password-1', roles: ['sales_assistant'] });
  const elsewhere = await b.api.post('/auth/login', { login: 'ioana', password: 'ioana-password-1' });
  const otherCookie = elsewhere.headers.getSetCookie().map((c: string) => c.split(';')[0]).join('; ');
  await signInAs(b, 'ioana', 'ioana-password-1', 'ro');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${b.url}/`);
  await page.getByTestId('user-name').filter({ hasText: 'Ioana Pop' }).click();
  await page.getByRole('heading', { name: 'Contul meu' }).waitFor();
  // Administration scopes are offered only to who holds the right.
  await expect(page.getByRole('checkbox', { name: /^users/ }).count()).resolves.toBe(0);
  await page.getByLabel('Nume (la ce folosește)').fill('Node-RED');
  await page.getByRole('checkbox', { name: /^write/ }).check();
  await page.getByLabel('Expiră').selectOption({ label: 'peste 30 zile' });
  await page.getByRole('button', { name: 'Creează tokenul' }).click();
  const shown = page.getByRole('dialog', { name: 'Tokenul nou „Node-RED”' });
  const token = await shown.getByTestId('secret').inputValue();
  expect(token).toMatch(/^tsr_/);
  await b.screenshot('account-token-390');
  await shown.getByRole('button', { name: 'Închide', exact: true }).click();
  const listed = page.locator('[data-token="Node-RED"]');
  await listed.getByText(token.slice(0, 12)).waitFor();
  const tokens = (await fetch(`${b.url}/api/auth/tokens`, { headers: { authorization: `Bearer ${token}` } })).status;
  expect(tokens).toBe(403); // no account scope: the token cannot list tokens
  const me = (await (await fetch(`${b.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { token: { scopes: string[] } };
  expect(me.token.scopes).toEqual(['read', 'write']);
  const [listedToken] = (await (await b.context.request.get(`${b.url}/api/auth/tokens`)).json()).data as { expiresAt: string }[];
  expect(new Date(listedToken!.expiresAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
  expect(new Date(listedToken!.expiresAt).getTime() - Date.now()).toBeLessThan(30.1 * 86_400_000);
  page.once('dialog', (d) => void d.accept());
  await listed.getByRole('button', { name: 'Revocă' }).click();
  await listed.getByText('revocat').waitFor();
  expect((await fetch(`${b.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

  await page.getByRole('button', { name: 'Deconectează celelalte sesiuni' }).click();
  await page.getByText('Alte sesiuni încheiate: 1').waitFor();
  expect((await fetch(`${b.url}/api/auth/me`, { headers: { cookie: otherCookie } })).status).toBe(401);
  await b.screenshot('account-390');

  await page.getByLabel('Parola actuală').fill('ioana-password-1');
  await page.getByLabel('Parola nouă', { exact: true }).fill('ioana new passphrase');
  await page.getByLabel('Repetați parola nouă').fill('ioana new passphrase');
  await page.getByRole('button', { name: 'Schimbarea parolei' }).click();
  await page.getByText('Parola a fost schimbată').waitFor();
  expect((await b.api.post('/auth/login', { login: 'ioana', password: 'ioana new passphrase' })).status).toBe(200);
});
