// The web app on a phone (issue #10 item 7), in Polish with the demo data, as a technician or a
// sales rep meets it at 390 × 844: the menu is a drawer behind a button, so every main screen's
// content starts within the first screen; no screen is wider than the phone (wide lists and the
// board scroll inside themselves); a record form is one column with its save bar always in reach.
// Every main screen is also photographed at 1440 and 390 px.
import { join } from 'node:path';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { eventually } from '../support/workflows.ts';
import { loadDemo } from './demo.ts';
import { pageLayout } from './layout.ts';
import { SCREENSHOTS } from './paths.ts';
import { browserSuite } from './support.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const ids = {} as Record<'contractor' | 'serviceOrder' | 'task', string>;

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (b) => {
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  await loadDemo(b);
  const first = async (entity: string, query: string) => {
    const res = await b.api.get(`/records/${entity}?limit=1&${query}`);
    if (!res.body.data?.[0]) throw new Error(`no demo ${entity}: ${JSON.stringify(res.body)}`);
    return res.body.data[0].id as string;
  };
  ids.contractor = await first('contractor', 'sort=name');
  ids.serviceOrder = await first('service_order', 'filter[status]=in_repair');
  ids.task = await first('activity', 'filter[kind]=task&filter[status]=open');
});

/** The main screens, each with what shows it is drawn. */
const SCREENS: readonly { name: string; path: () => string; ready: string }[] = [
  { name: 'dashboard', path: () => '/', ready: '.dashboard .card h2' },
  { name: 'contractor-list', path: () => '/r/contractor', ready: '.grid-body .grid-row' },
  { name: 'contractor-card', path: () => `/r/contractor/${ids.contractor}`, ready: '.record-form [data-field="name"]' },
  { name: 'service-order-list', path: () => '/r/service_order', ready: '.grid-body .grid-row' },
  { name: 'service-order-card', path: () => `/r/service_order/${ids.serviceOrder}`, ready: '.record-form [data-field="problem"]' },
  { name: 'task-card', path: () => `/r/activity/${ids.task}`, ready: '.record-form [data-field="subject"]' },
  { name: 'board', path: () => '/board/sales', ready: '.board-card' },
  { name: 'calendar', path: () => '/calendar', ready: '.calendar-weekday' },
  { name: 'calendar-week', path: () => '/calendar?mode=week', ready: '.calendar-hours' },
  { name: 'new-service-order', path: () => '/r/service_order/new', ready: '.record-form [data-field="problem"]' },
  { name: 'tasks', path: () => '/tasks', ready: '.task' },
  { name: 'admin-users', path: () => '/admin/users', ready: '.admin-list > li' },
  { name: 'admin-teams', path: () => '/admin/teams', ready: '.page-head h1' },
  { name: 'designer', path: () => '/designer', ready: '.designer-nav' },
  { name: 'modeler', path: () => '/modeler', ready: '.page-head h1' },
  { name: 'account', path: () => '/account', ready: '.account-page .card' },
];

test.each(SCREENS.map((s) => [s.name, s] as const))('%s fits a phone: content within the first screen, nothing wider than the screen', async (name, screen) => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}${screen.path()}`);
  await page.locator(screen.ready).first().waitFor();
  await b.screenshot(`phone-390-${name}`);
  const layout = await pageLayout(page);
  expect({ name, ...layout }).toEqual({ name, contentTop: expect.any(Number), scrollWidth: PHONE.width, overflowing: [] });
  expect(layout.contentTop).toBeLessThan(120);
  await page.setViewportSize(DESKTOP);
  await page.locator(screen.ready).first().waitFor();
  await b.screenshot(`desktop-1440-${name}`);
});

test('the menu is a drawer behind a button: it opens, takes focus, navigates and closes (also on Esc)', async () => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}/`);
  const button = page.getByRole('button', { name: 'Menu', exact: true });
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
  // Closed, the menu is out of sight and out of the keyboard's reach.
  await expect(nav.isVisible()).resolves.toBe(false);
  await button.click();
  await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
  await nav.waitFor();
  // Focus moves into the menu, on the current page's entry.
  const focused = () => page.evaluate<string>('(document.activeElement.closest("nav") ? "menu: " : "") + document.activeElement.textContent');
  await eventually(async () => (await focused()) === 'menu: Pulpit', 3000, 'focus in the menu');
  // The drawer slides in (0.2 s): measure once it has arrived.
  await eventually(async () => ((await nav.boundingBox())?.x ?? -1) >= 0, 3000, 'the drawer slid in');
  const drawer = await nav.boundingBox();
  expect(drawer!.x).toBeGreaterThanOrEqual(0);
  expect(drawer!.x + drawer!.width).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: join(SCREENSHOTS, 'phone-390-menu.png') });
  // Esc closes it and gives focus back to the button.
  await page.keyboard.press('Escape');
  await nav.waitFor({ state: 'hidden' });
  await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
  await eventually(async () => (await page.evaluate('document.activeElement.getAttribute("aria-label")')) === 'Menu', 3000, 'focus back on the button');
  // Choosing an entry navigates and closes the menu.
  await button.click();
  await nav.getByRole('link', { name: 'Zlecenia serwisowe' }).click();
  await page.locator('.grid-body .grid-row').first().waitFor();
  expect(new URL(page.url()).pathname).toBe('/r/service_order');
  await nav.waitFor({ state: 'hidden' });
  await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
  // At desktop width the menu is the sidebar again, and the button is gone.
  await page.setViewportSize(DESKTOP);
  await nav.waitFor();
  await expect(button.isVisible()).resolves.toBe(false);
});

test('a list scrolls sideways inside itself to its last column, the page does not', async () => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}/r/service_order`);
  const grid = page.getByRole('table');
  await grid.locator('.grid-body .grid-row').first().waitFor();
  const headers = grid.getByRole('columnheader');
  const last = headers.last();
  expect((await last.boundingBox())!.x).toBeGreaterThan(PHONE.width);
  // A swipe (a sideways wheel here) over the list brings the last column in.
  const box = (await grid.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 120);
  await page.mouse.wheel(3000, 0);
  await eventually(async () => { const l = (await last.boundingBox())!; return l.x + l.width <= PHONE.width; }, 5000, 'the last column on screen');
  // The rows moved with the header.
  const [headX, rowX] = await Promise.all([headers.nth(1).boundingBox(), grid.locator('.grid-body .grid-row').first().getByRole('cell').nth(1).boundingBox()]);
  expect(Math.round(rowX!.x)).toBe(Math.round(headX!.x));
  expect((await pageLayout(page)).scrollWidth).toBe(PHONE.width);
  await b.screenshot('phone-390-service-order-list-scrolled');
});

test('a record form is one column, and its save bar stays on screen while scrolling', async () => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}/r/service_order/${ids.serviceOrder}`);
  const form = page.locator('.record-form');
  await form.locator('[data-field="problem"]').waitFor();
  // One column: every field starts at the same left edge.
  const lefts = await form.locator('.section-grid > .section-cell').evaluateAll((els) => els.map((e) => Math.round((e as unknown as { getBoundingClientRect(): { left: number } }).getBoundingClientRect().left)));
  expect(lefts.length).toBeGreaterThan(5);
  expect(new Set(lefts).size).toBe(1);
  // The card opens as a read view; Edytuj (in the same bar) makes it editable.
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  const save = page.getByRole('button', { name: 'Zapisz' });
  for (const y of [0, 1200, 100_000]) {
    await page.evaluate(`window.scrollTo(0, ${y})`);
    const box = (await save.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
  }
  // A technician's edit saves from the bar.
  await form.locator('[data-field="work_done"] textarea').fill('Wymieniono rolkę pobierającą.');
  await save.click();
  await eventually(async () => (await b.api.get(`/records/service_order/${ids.serviceOrder}`)).body.work_done === 'Wymieniono rolkę pobierającą.', 5000, 'the edit saved');
});

test('the board scrolls its stages sideways inside itself', async () => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}/board/sales`);
  await page.locator('.board-card').first().waitFor();
  const columns = page.locator('.board-column');
  const first = (await columns.first().boundingBox())!;
  // A stage is most of the screen wide, the next one peeks in.
  expect(first.width).toBeGreaterThan(PHONE.width * 0.6);
  const lastStage = columns.last();
  const box = (await page.locator('.board').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  await page.mouse.wheel(5000, 0);
  await eventually(async () => { const l = (await lastStage.boundingBox())!; return l.x + l.width <= PHONE.width; }, 5000, 'the last stage on screen');
  expect((await pageLayout(page)).scrollWidth).toBe(PHONE.width);
});

test('the top bar fits a phone: every control whole, none over another, the search box wide enough to type in', async () => {
  const { page } = b;
  await page.setViewportSize(PHONE);
  await page.goto(`${b.url}/r/contractor`);
  await page.locator('.grid-body .grid-row').first().waitFor();
  // A script string: the test's TypeScript has no DOM types (as test/browser/layout.ts).
  const boxes = (await page.evaluate(`[...document.querySelectorAll('.topbar > *')]
    .filter((el) => !el.classList.contains('topbar-spacer') && el.offsetParent !== null)
    .map((el) => {
      const r = el.getBoundingClientRect();
      // Clipped content (a control squeezed below its own width) counts as not whole.
      return { name: el.className || el.tagName, left: r.left, right: r.right, top: r.top, bottom: r.bottom, clipped: el.scrollWidth > Math.ceil(r.width) + 1 };
    })`)) as { name: string; left: number; right: number; top: number; bottom: number; clipped: boolean }[];
  expect(boxes.length).toBeGreaterThanOrEqual(5);
  for (const box of boxes) {
    expect({ name: box.name, inside: box.left >= 0 && box.right <= PHONE.width, clipped: box.clipped }).toEqual({ name: box.name, inside: true, clipped: false });
  }
  for (const a of boxes) for (const c of boxes) {
    if (a === c) continue;
    const overlap = a.left < c.right - 1 && c.left < a.right - 1 && a.top < c.bottom - 1 && c.top < a.bottom - 1;
    expect({ pair: `${a.name} / ${c.name}`, overlap }).toEqual({ pair: `${a.name} / ${c.name}`, overlap: false });
  }
  const search = await page.locator('.global-search-input').boundingBox();
  expect(search!.width).toBeGreaterThanOrEqual(200);
  expect(await page.getByTestId('user-name').isVisible()).toBe(true);
});
