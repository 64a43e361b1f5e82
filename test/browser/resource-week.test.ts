// The resource calendar's week and click-to-create in the calendar (#14), in Polish at 1440 and 390 px:
// the week grid shows each resource's reservations on their days; "+" in a day books the resource at
// 09:00 that day; dragging a reservation to another day and resource moves it (hours kept, resource
// swapped); a click on an empty calendar cell opens a new meeting at that time.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const pad = (n: number) => String(n).padStart(2, '0');
const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
// A Monday three weeks ahead, whole week in view; the browser runs in the process zone (UTC in CI).
const monday = (() => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + 21);
  return d;
})();
const on = (day: number, hour: number) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + day, hour);
let roomId: string;
let carId: string;
let bookingId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  roomId = await createRecord(b, 'resource', { name: 'Sala Wawel', resource_type: 'room' });
  carId = await createRecord(b, 'resource', { name: 'Skoda Octavia', resource_type: 'vehicle' });
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

beforeEach(async () => {
  // A fresh booking each test: Tuesday 10:00–12:00 in the room.
  bookingId = await createRecord(b, 'reservation', { title: 'Szkolenie BHP', starts_at: on(1, 10).toISOString(), ends_at: on(1, 12).toISOString(), resources: [{ id: roomId }] });
});

for (const width of [1440, 390]) {
  test(`week: reservations on their days, "+" books 09:00, drag moves to another day and resource (${width} px)`, async () => {
    const { page } = b;
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${b.url}/resource-calendar?mode=week&date=${dayKey(monday)}`);
    const cell = page.locator(`[data-cell="${roomId}@${dayKey(on(1, 0))}"]`);
    await cell.locator(`[data-id="${bookingId}"]`).waitFor();
    await expect(cell.locator(`[data-id="${bookingId}"]`).textContent()).resolves.toBe('10:00 Szkolenie BHP');
    await expect(page.getByRole('button', { name: 'Tydzień' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await b.screenshot(`resource-week-${width}`);

    // Drag: Tuesday in the room → Thursday in the car.
    const target = page.locator(`[data-cell="${carId}@${dayKey(on(3, 0))}"]`);
    await target.scrollIntoViewIfNeeded();
    await cell.locator(`[data-id="${bookingId}"]`).dragTo(target);
    await page.getByRole('status').filter({ hasText: 'Przełożono' }).first().waitFor();
    const moved = (await b.api.get(`/records/reservation/${bookingId}`)).body;
    expect(new Date(moved.starts_at).getTime()).toBe(on(3, 10).getTime());
    expect(new Date(moved.ends_at).getTime()).toBe(on(3, 12).getTime());
    expect(moved.resources.map((r: { id: string } | string) => (typeof r === 'string' ? r : r.id))).toEqual([carId]);
    await target.locator(`[data-id="${bookingId}"]`).waitFor();

    // "+" on Friday in the room: a reservation 09:00–10:00, opened.
    await page.locator(`[data-add="${roomId}@${dayKey(on(4, 0))}"]`).click();
    await page.waitForURL(/\/r\/reservation\/[0-9a-f-]{36}$/);
    const made = (await b.api.get(`/records/reservation/${page.url().split('/').at(-1)!}`)).body;
    expect(new Date(made.starts_at).getTime()).toBe(on(4, 9).getTime());
    expect(new Date(made.ends_at).getTime()).toBe(on(4, 10).getTime());
    expect(made.resources.map((r: { id: string } | string) => (typeof r === 'string' ? r : r.id))).toEqual([roomId]);
  });
}

test('a click on an empty hour of the calendar opens a new meeting at that hour', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/calendar?mode=week&date=${dayKey(monday)}`);
  await page.locator(`[data-slot="${dayKey(on(2, 0))}T14"]`).click();
  await page.waitForURL(/\/r\/activity\/new\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get('kind')).toBe('meeting');
  expect(new Date(url.searchParams.get('start_at')!).getTime()).toBe(on(2, 14).getTime());
  expect(new Date(url.searchParams.get('end_at')!).getTime()).toBe(on(2, 15).getTime());
  await page.getByRole('heading', { name: /Nowy/ }).waitFor();
});
