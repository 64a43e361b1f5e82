// Scheduling help (#14): the activity form shows the assignee's planned hours on the day of the start
// against their available hours (employee.available_hours_per_day) and warns, in Polish, when the new
// activity overlaps one of theirs or overloads them; a free slot on a light day warns of nothing.
import { calendarConnector } from '../../connectors/calendar/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { TEST_ADMIN_LOGIN } from '../support/http.ts';
import { browserSuite, createRecord } from './support.ts';

const day = new Date();
day.setDate(day.getDate() + 1);
const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** Warsaw wall time of that day (the seed's business zone; the CI runs under TZ=UTC). */
const at = (hour: number, d = day) => {
  const guess = new Date(`${ymd(d)}T${String(hour).padStart(2, '0')}:00:00Z`);
  const wall = new Date(guess.toLocaleString('en-US', { timeZone: 'Europe/Warsaw' }));
  const utc = new Date(guess.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(guess.getTime() - (wall.getTime() - utc.getTime())).toISOString();
};

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors: [calendarConnector({ pollSeconds: 3600 })] }, async (b) => {
  await b.env.platform.connectors.settings.write('calendar', undefined, { enabled: true }, { userId: null, via: 'system' });
  const admin = (await b.env.platform.knex('tessera.users').where({ login: TEST_ADMIN_LOGIN }).first('id')) as { id: string };
  await createRecord(b, 'employee', { name: 'Administrator', user_account: admin.id, available_hours_per_day: 4 });
  await createRecord(b, 'activity', { kind: 'meeting', subject: 'Przegląd umowy', start_at: at(9), end_at: at(12), assignee: admin.id });
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

for (const width of [1440, 390]) {
  test(`a new meeting over a busy, full day warns of the overlap and the overload (${width} px)`, async () => {
    const { page } = b;
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${b.url}/r/activity/new?kind=meeting&subject=Spotkanie&start_at=${encodeURIComponent(at(11))}&end_at=${encodeURIComponent(at(13))}`);
    const panel = page.getByTestId('assignee-load');
    await panel.waitFor();
    await expect(panel.locator('strong').textContent()).resolves.toMatch(/^Wykonawca w dniu .+: zaplanowane 3 h z 4 h$/);
    await expect(page.getByTestId('assignee-overload').textContent()).resolves.toBe('Przeciążenie: z tą czynnością 5 h z dostępnych 4 h');
    await expect(page.getByTestId('assignee-conflicts').textContent()).resolves.toMatch(/^Wykonawca jest już zajęty w tym czasie: Przegląd umowy \(09:00–12:00\)$/);
    await expect(panel.getAttribute('class')).resolves.toContain('warn');
    const box = (await panel.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await b.screenshot(`assignee-load-${width}`);
  });
}

test('an hour on the next, empty day: the load without a warning', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  const next = new Date(day);
  next.setDate(next.getDate() + 1);
  await page.goto(`${b.url}/r/activity/new?kind=meeting&subject=Luźno&start_at=${encodeURIComponent(at(10, next))}&end_at=${encodeURIComponent(at(11, next))}`);
  const panel = page.getByTestId('assignee-load');
  await panel.waitFor();
  await expect(panel.locator('strong').textContent()).resolves.toMatch(/zaplanowane 0 h z 4 h$/);
  await expect(panel.textContent()).resolves.toContain('Nic więcej tego dnia.');
  expect(await page.getByTestId('assignee-overload').count()).toBe(0);
  expect(await page.getByTestId('assignee-conflicts').count()).toBe(0);
  await expect(panel.getAttribute('class')).resolves.not.toContain('warn');
});
