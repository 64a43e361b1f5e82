// Trainings in the shipped CRM, in Polish: a participant enrolled in a group through the form,
// attendance marked in the session's grid (the participant's attendance following), and the group's
// "Wystaw zaświadczenia" issuing the numbered certificate (CERT/YYYY/n), which prints in Polish.
import { readFileSync } from 'node:fs';
import { SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { browserSuite, createRecord, type BrowserEnv } from './support.ts';

const ids: Record<string, string> = {};

async function moveTo(b: BrowserEnv, id: string, status: string): Promise<void> {
  const { version } = (await b.api.get(`/records/training_group/${id}`)).body as { version: number };
  const res = await b.api.patch(`/records/training_group/${id}`, { status, version });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}

const b = browserSuite({ packageDir: SEED_METADATA_DIR }, async (env) => {
  await env.env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}training-certificates.bpmn`, 'utf8'), { source: 'test', resourceName: 'training-certificates.bpmn' });
  ids.contractor = await createRecord(env, 'contractor', { name: 'Zakład Energetyczny „Łęg” S.A.' });
  ids.person = await createRecord(env, 'person', { first_name: 'Żaneta', last_name: 'Gęślak', contractor: ids.contractor });
  ids.training = await createRecord(env, 'training', { name: 'Pierwsza pomoc w zakładzie pracy', hours: 8, min_attendance: 100 });
  ids.group = await createRecord(env, 'training_group', { name: 'Pierwsza pomoc — grupa wrześniowa', training: ids.training, start_date: '2027-09-06', end_date: '2027-09-07', capacity: 10 });
  await moveTo(env, ids.group, 'open');
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

const field = (name: string) => b.page.locator(`.record-form [data-field="${name}"]`);

test('enrol through the form, mark attendance in the session\'s grid, issue the certificate from the group', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/training_enrolment/new?training_group=${ids.group}&person=${ids.person}&contractor=${ids.contractor}`);
  await page.getByRole('heading', { name: /Zapis na szkolenie/ }).first().waitFor();
  await field('participant').locator('input').fill('Żaneta Gęślak');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByTestId('record-title').filter({ hasText: 'Żaneta Gęślak' }).waitFor();
  const enrolment = page.url().split('/').pop()!;
  expect((await b.api.get(`/records/training_group/${ids.group}`)).body).toMatchObject({ participants: 1, free_places: 9 });

  // The session's attendance list: she was marked absent; the trainer corrects it in the grid.
  const session = await createRecord(b, 'training_session', { training_group: ids.group, session_date: '2027-09-06', topic: 'Resuscytacja krążeniowo-oddechowa', hours: 8, attendance: [{ enrolment, presence: 'absent' }] });
  expect((await b.api.get(`/records/training_enrolment/${enrolment}`)).body).toMatchObject({ attendance_percent: 0 });
  await page.goto(`${b.url}/r/training_session/${session}`);
  await page.getByTestId('record-title').filter({ hasText: 'Resuscytacja' }).waitFor();
  await page.getByRole('button', { name: 'Edytuj', exact: true }).click();
  const presence = page.locator('.lines-grid [data-row="0"] [data-column="presence"]');
  await expect(presence.locator('option:checked').textContent()).resolves.toBe('Nieobecny');
  await presence.selectOption('present');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByRole('button', { name: 'Edytuj', exact: true }).waitFor();
  expect((await b.api.get(`/records/training_enrolment/${enrolment}`)).body).toMatchObject({ sessions_present: 1, attendance_percent: 100 });

  // Under way: the group offers "Wystaw zaświadczenia".
  await moveTo(b, ids.group!, 'in_progress');
  await page.goto(`${b.url}/r/training_group/${ids.group}`);
  await page.getByTestId('record-title').filter({ hasText: 'Pierwsza pomoc — grupa wrześniowa' }).waitFor();
  await page.getByRole('button', { name: 'Wystaw zaświadczenia' }).click();
  let certificates: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && certificates.length === 0; i++) {
    if (i) await page.waitForTimeout(100);
    certificates = (await b.api.get(`/records/training_certificate?filter=${encodeURIComponent(JSON.stringify({ enrolment: { eq: enrolment } }))}`)).body.data as Record<string, unknown>[];
  }
  expect(certificates).toHaveLength(1);
  expect(certificates[0]).toMatchObject({ participant: 'Żaneta Gęślak', course: 'Pierwsza pomoc w zakładzie pracy', hours: 8, start_date: '2027-09-06', end_date: '2027-09-07' });
  const number = String(certificates[0]!.number);
  expect(number).toMatch(/^CERT\/\d{4}\/1$/);
  await page.goto(`${b.url}/r/training_certificate/${String(certificates[0]!.id)}`);
  await page.getByTestId('record-title').filter({ hasText: number }).waitFor();
  const pdf = await b.api.get(`/records/training_certificate/${String(certificates[0]!.id)}/print/certificate?lang=pl`);
  expect(pdf.status).toBe(200);
});
