// The resource calendar (#14): rooms and cars as rows, hours as columns, reservations and blocks on
// them coloured by status; a click on a free slot books that resource for that hour.
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord } from './support.ts';

const today = new Date();
const dayKey = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
const at = (hour: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate(), hour).toISOString();
let roomId: string;
let carId: string;
let bookingId: string;
let blockId: string;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  roomId = await createRecord(b, 'resource', { name: 'Sala Wawel', resource_type: 'room' });
  carId = await createRecord(b, 'resource', { name: 'Skoda Octavia', resource_type: 'vehicle' });
  bookingId = await createRecord(b, 'reservation', { title: 'Szkolenie BHP', starts_at: at(9), ends_at: at(11), resources: [{ id: roomId }] });
  blockId = await createRecord(b, 'reservation', { title: 'Serwis auta', reservation_type: 'block', starts_at: at(13), ends_at: at(16), resources: [{ id: carId }] });
});

test('the day grid shows each resource’s reservations over their hours, blocks marked, coloured by status', async () => {
  const { page } = b;
  await page.goto(`${b.url}/resource-calendar?date=${dayKey}`);
  const booking = page.locator(`[data-id="${bookingId}"]`);
  await booking.waitFor();
  await expect(booking.textContent()).resolves.toBe('Szkolenie BHP');
  await expect(booking.getAttribute('data-status')).resolves.toBe('booked');
  // Spans 09:00–11:00: the two slot columns of those hours.
  const [slot9, slot10, slot11] = await Promise.all([9, 10, 11].map((h) => page.locator(`[data-slot="${roomId}T${h}"]`).boundingBox()));
  const box = (await booking.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(slot9!.x - 2);
  expect(box.x + box.width).toBeLessThanOrEqual(slot11!.x + 2);
  expect(box.x + box.width).toBeGreaterThan(slot10!.x + slot10!.width - 4);
  expect(Math.abs(box.y - slot9!.y)).toBeLessThan(slot9!.height);
  // The hour headings stand over their columns.
  expect(Math.abs((await page.locator('[data-hour="9"]').boundingBox())!.x - slot9!.x)).toBeLessThan(2);
  const block = page.locator(`[data-id="${blockId}"]`);
  await expect(block.getAttribute('class')).resolves.toContain('block');
  const carSlot = (await page.locator(`[data-slot="${carId}T13"]`).boundingBox())!;
  expect(Math.abs((await block.boundingBox())!.y - carSlot.y)).toBeLessThan(carSlot.height);
  await b.screenshot('resource-calendar-day');
});

test('a click on a free slot books the resource for that hour and opens the reservation', async () => {
  const { page } = b;
  await page.goto(`${b.url}/resource-calendar?date=${dayKey}`);
  await page.locator(`[data-slot="${carId}T8"]`).click();
  await page.waitForURL(/\/r\/reservation\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').at(-1)!;
  const made = (await b.api.get(`/records/reservation/${id}`)).body;
  expect(new Date(made.starts_at).getTime()).toBe(new Date(at(8)).getTime());
  expect(new Date(made.ends_at).getTime()).toBe(new Date(at(9)).getTime());
  expect(made.resources.map((r: { id: string } | string) => (typeof r === 'string' ? r : r.id))).toEqual([carId]);
  await page.goto(`${b.url}/resource-calendar?date=${dayKey}`);
  await page.locator(`[data-id="${id}"]`).waitFor();
});
