// Text sorts in the business language's alphabetical order where the database can (issue #10 item
// 11): on a PostgreSQL server with ICU, Polish order ("pl-x-icu": Lublin < Łódź < Zielonka < Żabka);
// on the embedded database (PGlite has ICU's root collation only), the language-neutral Unicode order
// (accented letters next to their base letter, never after "Z"). Keyset pages follow the same order.
import { startCrmMiniApi, type CrmMiniApi } from '../support/crm-mini-api.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { testDatabaseKind } from '../support/database.ts';
import type { JsonResponse } from '../support/http.ts';

let t: CrmMiniApi;
const NAMES = ['Zielonka Dolna', 'Łódź Kaliska', 'Lublin Okna', 'ala ma kota', 'Ćma Studio', 'Cma Serwis', 'Żabka', 'Ąbc', 'Acme'];

beforeAll(async () => {
  t = await startCrmMiniApi();
  // The business language is Polish.
  const pkg = await crmMiniPackage();
  const manifest = { ...(pkg.files['tessera.json'] as Record<string, unknown>), defaultLanguage: 'pl' };
  await t.env.platform.applyMetadata({ files: { ...pkg.files, 'tessera.json': manifest } }, { source: 'cli' });
  for (const name of NAMES) expect((await t.api.post('/records/contractor', { name })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const names = async (sort: string, limit = 500) => {
  const result: string[] = [];
  let after: string | null = null;
  do {
    const res: JsonResponse = await t.api.get(`/records/contractor?sort=${sort}&limit=${limit}&fields=name${after ? `&after=${after}` : ''}`);
    expect(res.status).toBe(200);
    result.push(...res.body.data.map((r: { name: string }) => r.name));
    after = res.body.next;
  } while (after);
  return result;
};

test('the database reports the collation the list sorts in', async () => {
  const rows = (await t.env.platform.knex.raw("SELECT collname FROM pg_collation WHERE collname IN ('pl-x-icu', 'und-x-icu')")).rows.map((r: { collname: string }) => r.collname);
  if (testDatabaseKind() === 'server') expect(rows).toContain('pl-x-icu');
  else expect(rows).toEqual(['und-x-icu']);
});

test('names sort alphabetically for Polish, ascending and descending, the same in keyset pages of 2', async () => {
  const ascending = await names('name');
  if (testDatabaseKind() === 'server') {
    // Polish: each accented letter is a letter of its own, right after its base letter.
    expect(ascending).toEqual(['Acme', 'ala ma kota', 'Ąbc', 'Cma Serwis', 'Ćma Studio', 'Lublin Okna', 'Łódź Kaliska', 'Zielonka Dolna', 'Żabka']);
  } else {
    // Unicode root order: accents are a secondary difference (Ąbc before Acme, Łódź before Lublin, Żabka before Zielonka).
    expect(ascending).toEqual(['Ąbc', 'Acme', 'ala ma kota', 'Cma Serwis', 'Ćma Studio', 'Łódź Kaliska', 'Lublin Okna', 'Żabka', 'Zielonka Dolna']);
  }
  // Never bytewise (where "Ł", "Ć", "Ż" and lower case come after "Z").
  expect(ascending.indexOf('Łódź Kaliska')).toBeLessThan(ascending.indexOf('Zielonka Dolna'));
  expect(await names('-name')).toEqual([...ascending].reverse());
  expect(await names('name', 2)).toEqual(ascending);
  expect(await names('-name', 2)).toEqual([...ascending].reverse());
  // With a nullable second key (city is empty for all): the general keyset predicate.
  expect(await names('city,name', 2)).toEqual(ascending);
});
