// Trainings with groups, attendance and certificates (#17, enova style), built in the shipped CRM as
// metadata only: a group counts its participants (rollup) and free places (computed); an enrolment
// is refused when the group is full (a guard reading the group and its other enrolments; two
// enrolments racing for the last place: exactly one wins); attendance lists are lines of a session
// and the enrolment's attendance follows them (rollups); a certificate is numbered CERT/YYYY/n,
// refused below the course's attendance threshold, printed in pl/en/ro; the group's "Issue
// certificates" button runs the shipped workflow issuing one for every eligible enrolment, once.
import { readFileSync } from 'node:fs';
import { runRecordAction } from '../../engine/conversion/index.ts';
import { printRecord } from '../../engine/documents/index.ts';
import type { RecordService } from '../../engine/records/index.ts';
import { SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import type { TestPlatform } from '../support/database.ts';
import { pdfText, withPdfText } from '../support/pdf-text.ts';
import { refusal } from '../support/refusal.ts';
import { startSeedCrm, SYSTEM, updateStored } from '../support/seed-crm.ts';

let env: TestPlatform;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
  await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}training-certificates.bpmn`, 'utf8'), { source: 'test', resourceName: 'training-certificates.bpmn' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = (): RecordService => env.platform.records;
const create = async (entity: string, values: Rec) => (await records().create(SYSTEM, entity, values)).id as string;
const get = (entity: string, id: string) => records().get(SYSTEM, entity, id);
const update = (entity: string, id: string, values: Rec) => updateStored(records(), entity, id, values);

let people = 0;
let employer: string | undefined;
/** A person (of one employer) and their enrolment in the group. */
async function enrol(group: string, first: string, last: string, status = 'enrolled'): Promise<string> {
  people += 1;
  employer ??= await create('contractor', { name: 'Przedsiębiorstwo Transportowe „Łęczyca” Sp. z o.o.' });
  const person = await create('person', { first_name: first, last_name: last, contractor: employer, email: `p${people}@szkolenia.example` });
  return create('training_enrolment', { training_group: group, person, participant: `${first} ${last}`, contractor: employer, status });
}

async function course(values: Rec = {}): Promise<string> {
  return create('training', { name: 'Obsługa wózków jezdniowych — UDT', hours: 24, min_attendance: 75, ...values });
}

async function group(training: string, capacity: number): Promise<string> {
  const id = await create('training_group', { name: `Grupa ${capacity}`, training, start_date: '2027-03-01', end_date: '2027-03-03', place: 'Łódź, ul. Żeromskiego 5', capacity });
  await update('training_group', id, { status: 'open' });
  return id;
}

test('a group counts its participants and free places; a full group refuses an enrolment with a translated problem at the group', async () => {
  const g = await group(await course(), 2);
  expect(await get('training_group', g)).toMatchObject({ participants: 0, free_places: 2 });
  const first = await enrol(g, 'Zofia', 'Wójcik');
  await enrol(g, 'Łukasz', 'Żak');
  expect(await get('training_group', g)).toMatchObject({ participants: 2, free_places: 0 });

  const full = await refusal(enrol(g, 'Ștefan', 'Mureșan'));
  expect(full.code).toBe('RECORD_GUARD_FAILED');
  expect(full.problems[0]).toMatchObject({ pointer: '/training_group', code: 'RECORD_GUARD_FAILED', params: { guard: 'capacity' } });
  const message = (full.problems[0]!.params as { message: Record<string, string> }).message;
  expect(message).toMatchObject({ pl: expect.stringContaining('grupa jest pełna'), en: expect.stringContaining('the group is full'), ro: expect.stringContaining('grupa este completă') });
  expect(full.extensions).toMatchObject({ lookups: { capacity: 2, taken: 2 } });

  // A cancelled enrolment frees its place; it cannot come back while the group is full again.
  await update('training_enrolment', first, { status: 'cancelled' });
  expect(await get('training_group', g)).toMatchObject({ participants: 1, free_places: 1 });
  await enrol(g, 'Ștefan', 'Mureșan');
  expect((await refusal(update('training_enrolment', first, { status: 'enrolled' }))).code).toBe('RECORD_GUARD_FAILED');
  // Nor may the group shrink below its participants.
  const shrink = await refusal(update('training_group', g, { capacity: 1 }));
  expect(shrink.problems[0]).toMatchObject({ pointer: '/capacity', code: 'RECORD_GUARD_FAILED' });
});

test('two enrolments racing for the last place: exactly one wins', async () => {
  const g = await group(await course(), 3);
  await enrol(g, 'Anna', 'Nowak');
  await enrol(g, 'Jan', 'Kowalski');
  const results = await Promise.allSettled([enrol(g, 'Ewa', 'Kaczmarek'), enrol(g, 'Piotr', 'Lewandowski')]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
  expect(lost.reason).toMatchObject({ code: 'RECORD_GUARD_FAILED' });
  expect(await get('training_group', g)).toMatchObject({ participants: 3, free_places: 0 });
  const live = await records().list(SYSTEM, 'training_enrolment', { filter: { training_group: { eq: g }, status: { eq: 'enrolled' } } });
  expect(live.data).toHaveLength(3);
});

test('attendance lists of the sessions move each enrolment\'s attendance; a certificate below the threshold is refused', async () => {
  const training = await course();
  const g = await group(training, 10);
  const good = await enrol(g, 'Małgorzata', 'Kręcisz');
  const poor = await enrol(g, 'Grzegorz', 'Brzęczyszczykiewicz');
  const day = (date: string, poorHere: boolean) =>
    create('training_session', { training_group: g, session_date: date, topic: `Zajęcia ${date}`, hours: 8, attendance: [{ enrolment: good, presence: 'present' }, { enrolment: poor, presence: poorHere ? 'present' : 'absent' }] });
  const s1 = await day('2027-03-01', true);
  await day('2027-03-02', false);
  const s3 = await day('2027-03-03', false);
  expect(await get('training_session', s1)).toMatchObject({ present_count: 2 });
  expect(Number((await get('training_enrolment', good)).attendance_percent)).toBe(100);
  expect(await get('training_enrolment', poor)).toMatchObject({ sessions_marked: 3, sessions_present: 1 });
  expect(Number((await get('training_enrolment', poor)).attendance_percent)).toBeCloseTo(33.33, 2);
  expect(await get('training_group', g)).toMatchObject({ sessions: 3 });

  const certificate = (enrolment: string, participant: string) =>
    create('training_certificate', { enrolment, training_group: g, training, participant, course: 'Obsługa wózków jezdniowych — UDT', hours: 24, start_date: '2027-03-01', end_date: '2027-03-03' });
  const refused = await refusal(certificate(poor, 'Grzegorz Brzęczyszczykiewicz'));
  expect(refused.problems[0]).toMatchObject({ pointer: '/enrolment', code: 'RECORD_GUARD_FAILED', params: { guard: 'attendance' } });
  expect((refused.problems[0]!.params as { message: Record<string, string> }).message.pl).toContain('frekwencja uczestnika');
  expect(refused.extensions).toMatchObject({ lookups: { threshold: 75 } });

  // Marked present on the third day after all (the list edited), 66.67 % is still below 75 %…
  const third = await get('training_session', s3);
  const lines = (third.attendance as Rec[]).map(({ id, enrolment, note }) => ({ id, enrolment, note, presence: 'present' }));
  await update('training_session', s3, { attendance: lines });
  expect(Number((await get('training_enrolment', poor)).attendance_percent)).toBeCloseTo(66.67, 2);
  expect((await refusal(certificate(poor, 'Grzegorz Brzęczyszczykiewicz'))).code).toBe('RECORD_GUARD_FAILED');
  // …and reaches it on a course asking for 60 %.
  await update('training', training, { min_attendance: 60 });
  const issued = await get('training_certificate', await certificate(poor, 'Grzegorz Brzęczyszczykiewicz'));
  expect(issued.number).toMatch(/^CERT\/\d{4}\/\d+$/);
  expect(await get('training_enrolment', poor)).toMatchObject({ certificates: 1 });
});

test('"Issue certificates" on a group issues a numbered certificate to every eligible enrolment, once', async () => {
  const training = await course({ name: 'Bezpieczeństwo pracy na wysokości', hours: 16, min_attendance: 80, certificate_language: 'ro' });
  const g = await group(training, 10);
  const a = await enrol(g, 'Agnieszka', 'Żółkiewska');
  const b = await enrol(g, 'Bogdan', 'Știrbu');
  const absent = await enrol(g, 'Celina', 'Ćwik');
  const gone = await enrol(g, 'Dariusz', 'Dąb', 'cancelled');
  await create('training_session', { training_group: g, session_date: '2027-03-01', topic: 'Teoria', hours: 8, attendance: [a, b, gone].map((enrolment) => ({ enrolment, presence: 'present' })).concat([{ enrolment: absent, presence: 'absent' }]) });
  await create('training_session', { training_group: g, session_date: '2027-03-02', topic: 'Praktyka', hours: 8, attendance: [a, b, absent, gone].map((enrolment) => ({ enrolment, presence: 'present' })) });

  // Only while the group is under way or completed.
  await expect(runRecordAction(records(), env.platform.knex, env.platform.processes, SYSTEM, 'training_group', g, 'issue_certificates')).rejects.toMatchObject({ code: 'CONFLICT' });
  await update('training_group', g, { status: 'in_progress' });
  const started = await runRecordAction(records(), env.platform.knex, env.platform.processes, SYSTEM, 'training_group', g, 'issue_certificates');
  expect(started).toMatchObject({ kind: 'workflow', instance: expect.any(String) });
  const status = async (id: string) => ((await env.platform.knex('tessera.process_instances').where({ id }).first('status')) as { status: string }).status;
  expect(await status((started as { instance: string }).instance)).toBe('completed');

  const certificates = (await records().list(SYSTEM, 'training_certificate', { filter: { training_group: { eq: g } }, sort: 'number' })).data;
  expect(certificates.map((c) => c.enrolment).sort()).toEqual([a, b].sort());
  expect(certificates.map((c) => c.participant).sort()).toEqual(['Agnieszka Żółkiewska', 'Bogdan Știrbu']);
  expect(certificates[0]).toMatchObject({ training, course: 'Bezpieczeństwo pracy na wysokości', hours: 16, start_date: '2027-03-01', end_date: '2027-03-03', language: 'ro' });
  const [n1, n2] = certificates.map((c) => Number(String(c.number).split('/')[2]));
  expect(n2).toBe(n1! + 1);
  expect(await get('training_group', g)).toMatchObject({ certificates: 2 });

  // Pressed again: nothing more.
  const again = await runRecordAction(records(), env.platform.knex, env.platform.processes, SYSTEM, 'training_group', g, 'issue_certificates');
  expect(await status((again as { instance: string }).instance)).toBe('completed');
  expect(await get('training_group', g)).toMatchObject({ certificates: 2 });
});

withPdfText('the certificate prints in Polish, English and Romanian with the participant, course, hours and dates', async () => {
  const training = await course({ name: 'Księgowość w małej firmie', hours: 12, min_attendance: 50 });
  const g = await group(training, 5);
  const e = await enrol(g, 'Jolanta', 'Świętochowska');
  await create('training_session', { training_group: g, session_date: '2027-03-01', topic: 'Podstawy', attendance: [{ enrolment: e, presence: 'present' }] });
  const id = await create('training_certificate', { enrolment: e, training_group: g, training, participant: 'Jolanta Świętochowska', course: 'Księgowość w małej firmie', hours: 12, start_date: '2027-03-01', end_date: '2027-03-03', attendance_percent: 100 });
  const { number } = await get('training_certificate', id);
  const text = async (lang: string) => pdfText((await printRecord(env.platform, SYSTEM, 'training_certificate', id, 'certificate', lang)).pdf);
  const pl = await text('pl');
  expect(pl).toContain(`Zaświadczenie ${String(number)}`);
  expect(pl).toContain('Zaświadcza się, że Jolanta Świętochowska ukończył(a) szkolenie „Księgowość w małej firmie” w wymiarze 12 godzin, które odbyło się w dniach 01.03.2027 – 03.03.2027');
  const en = await text('en');
  expect(en).toContain(`Certificate ${String(number)}`);
  expect(en).toContain('Jolanta Świętochowska completed the training “Księgowość w małej firmie” (12 hours)');
  const ro = await text('ro');
  expect(ro).toContain(`Certificat ${String(number)}`);
  expect(ro).toContain('Se certifică faptul că Jolanta Świętochowska a absolvit cursul „Księgowość w małej firmie” (12 de ore), desfășurat în perioada');
});
